import { S3Storage } from '../../providers/storage/s3-storage';
import { chatPhotoKeysOf, newChatPhotoKey } from './photo-keys';

const TX = '0a8f338d-96ca-490f-8a39-43c825b9274c';

describe('chatPhotoKeysOf', () => {
  it('reads the key back from the URL of either storage, and skips text and foreign URLs', () => {
    const key = newChatPhotoKey(TX, 'png');
    const s3 = new S3Storage({ bucket: 'biddt-uploads', region: 'ca-central-1', accessKeyId: 'a', secretAccessKey: 's' });
    const minio = new S3Storage({ bucket: 'biddt-uploads', region: 'ca-central-1', accessKeyId: 'a', secretAccessKey: 's', endpoint: 'http://127.0.0.1:9000/' });
    const messages = [
      { type: 'image', content: `http://127.0.0.1:3000/uploads/${key}` },
      { type: 'image', content: s3.objectUrl(key).toString() },
      { type: 'image', content: minio.objectUrl(key).toString() },
      { type: 'text', content: `http://127.0.0.1:3000/uploads/${key}` },
      { type: 'image', content: '[deleted]' },
      { type: 'image', content: 'https://elsewhere.example/cat.png' },
    ];
    expect(chatPhotoKeysOf(messages)).toEqual([key, key, key]);
  });
});
