import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3Storage } from './s3-storage';
import { sha256Hex, signRequest } from './sigv4';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

const credentials = { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-test-secret' };
const AUTH_SHAPE =
  /^AWS4-HMAC-SHA256 Credential=AKIDLOCALTEST\/20261122\/ca-central-1\/s3\/aws4_request,SignedHeaders=([a-z0-9;-]+),Signature=([0-9a-f]{64})$/;

describe('S3Storage against a local S3-shaped server', () => {
  let server: Server;
  let endpoint: string;
  const received: Received[] = [];
  let status = 200;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
        res.statusCode = status;
        res.end(status === 200 ? '' : '<Error><Code>AccessDenied</Code></Error>');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    received.length = 0;
    status = 200;
  });

  const storage = () =>
    new S3Storage({ bucket: 'biddt-test', region: 'ca-central-1', endpoint, ...credentials, now: () => new Date('2026-11-22T10:00:00Z') });

  it('PUTs the bytes path-style with a SigV4 Authorization header the server can verify', async () => {
    const bytes = Buffer.from('\x89PNG\r\n\x1a\nfake image bytes');
    const { url } = await storage().put('listings/abc/img-1.png', bytes, 'image/png');

    expect(url).toBe(`${endpoint}/biddt-test/listings/abc/img-1.png`);
    expect(received).toHaveLength(1);
    const [req] = received;
    expect(req.method).toBe('PUT');
    expect(req.url).toBe('/biddt-test/listings/abc/img-1.png');
    expect(req.body.equals(bytes)).toBe(true);
    expect(req.headers['content-type']).toBe('image/png');
    expect(req.headers['x-amz-content-sha256']).toBe(sha256Hex(bytes));
    expect(req.headers['x-amz-date']).toBe('20261122T100000Z');

    const match = AUTH_SHAPE.exec(String(req.headers.authorization));
    expect(match).not.toBeNull();
    const signedHeaders = match![1].split(';');
    expect(signedHeaders).toEqual(expect.arrayContaining(['host', 'content-type', 'x-amz-content-sha256', 'x-amz-date']));
    expect(signedHeaders).toEqual([...signedHeaders].sort());

    // Recompute the signature from what actually arrived (as S3 does): proves the Host header the
    // HTTP client sent is the one we signed, and that no signed header was altered in transit.
    const arrived = Object.fromEntries(signedHeaders.filter((h) => !h.startsWith('x-amz-')).map((h) => [h, String(req.headers[h])]));
    const expected = signRequest(
      { method: 'PUT', url: new URL(req.url, endpoint), headers: arrived, payloadHash: sha256Hex(req.body) },
      credentials,
      { region: 'ca-central-1', service: 's3' },
      new Date('2026-11-22T10:00:00Z'),
    );
    expect(match![2]).toBe(expected.signature);
  });

  it('DELETEs objects and treats a missing object as deleted', async () => {
    await storage().delete('listings/abc/img-1.png');
    status = 404;
    await storage().delete('listings/abc/gone.png');
    expect(received.map((r) => `${r.method} ${r.url}`)).toEqual(['DELETE /biddt-test/listings/abc/img-1.png', 'DELETE /biddt-test/listings/abc/gone.png']);
  });

  it('fails loudly when S3 refuses the write', async () => {
    status = 403;
    await expect(storage().put('listings/abc/x.png', Buffer.from('x'), 'image/png')).rejects.toThrow(/HTTP 403 AccessDenied/);
  });

  it('addresses AWS virtual-hosted style without an endpoint, and refuses unsafe keys', () => {
    const aws = new S3Storage({ bucket: 'biddt-prod', region: 'ca-central-1', ...credentials });
    expect(aws.objectUrl('listings/a/b.webp').toString()).toBe('https://biddt-prod.s3.ca-central-1.amazonaws.com/listings/a/b.webp');
    expect(() => aws.objectUrl('../etc/passwd')).toThrow(/invalid storage key/);
  });
});
