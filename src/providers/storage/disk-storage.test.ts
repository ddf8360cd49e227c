import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskStorage } from './disk-storage';

describe('DiskStorage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'biddt-disk-'));
  const storage = new DiskStorage(dir, 'http://127.0.0.1:3000/');

  it('writes the bytes under the key and answers the /uploads URL', async () => {
    const { url } = await storage.put('listings/l1/i1.png', Buffer.from('abc'), 'image/png');
    expect(url).toBe('http://127.0.0.1:3000/uploads/listings/l1/i1.png');
    expect(readFileSync(join(dir, 'listings/l1/i1.png'), 'utf8')).toBe('abc');
  });

  it('deletes, and deleting twice is fine', async () => {
    await storage.put('listings/l1/i2.png', Buffer.from('x'), 'image/png');
    await storage.delete('listings/l1/i2.png');
    await storage.delete('listings/l1/i2.png');
    expect(existsSync(join(dir, 'listings/l1/i2.png'))).toBe(false);
  });

  it('refuses keys that could escape the directory', async () => {
    await expect(storage.put('../outside.png', Buffer.from('x'), 'image/png')).rejects.toThrow(/invalid storage key/);
    await expect(storage.put('listings/../../x.png', Buffer.from('x'), 'image/png')).rejects.toThrow(/invalid storage key/);
    await expect(storage.put('/abs.png', Buffer.from('x'), 'image/png')).rejects.toThrow(/invalid storage key/);
  });
});
