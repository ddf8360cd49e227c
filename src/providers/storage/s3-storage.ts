import { signRequest, sha256Hex, uriEncode, type SigV4Credentials } from './sigv4';
import { assertStorageKey, type ObjectStorage } from './storage';

export interface S3Options {
  bucket: string;
  /** Defaults to us-east-1 (what MinIO and most S3-compatible services expect when unset). */
  region?: string;
  /** S3-compatible endpoint (MinIO, R2, …) addressed path-style; absent → AWS virtual-hosted style. */
  endpoint?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Injected for tests. */
  fetch?: typeof fetch;
  now?: () => Date;
}

/**
 * S3 adapter over the REST API (PUT/DELETE Object) signed with SigV4 — no AWS SDK. Objects are
 * written with a long cache lifetime because keys are never reused; the bucket (or a CDN in front of
 * it) must allow public reads of the `listings/` prefix for the returned URL to be viewable.
 */
export class S3Storage implements ObjectStorage {
  private readonly region: string;
  private readonly credentials: SigV4Credentials;
  private readonly fetch: typeof fetch;
  private readonly now: () => Date;

  constructor(private readonly options: S3Options) {
    if (!options.accessKeyId || !options.secretAccessKey) throw new Error('S3 storage needs S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY');
    this.region = options.region ?? 'us-east-1';
    this.credentials = { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey };
    this.fetch = options.fetch ?? fetch;
    this.now = options.now ?? (() => new Date());
  }

  /** Where an object lives (and is read from). */
  objectUrl(key: string): URL {
    assertStorageKey(key);
    const path = key.split('/').map(uriEncode).join('/');
    if (this.options.endpoint) return new URL(`${this.options.endpoint.replace(/\/$/, '')}/${uriEncode(this.options.bucket)}/${path}`);
    return new URL(`https://${this.options.bucket}.s3.${this.region}.amazonaws.com/${path}`);
  }

  async put(key: string, bytes: Buffer, contentType: string): Promise<{ url: string }> {
    const url = this.objectUrl(key);
    const headers = { 'content-type': contentType, 'cache-control': 'public, max-age=31536000, immutable' };
    const response = await this.send('PUT', url, headers, bytes);
    if (!response.ok) throw await s3Error('PUT', key, response);
    return { url: url.toString() };
  }

  async delete(key: string): Promise<void> {
    const response = await this.send('DELETE', this.objectUrl(key), {}, undefined);
    if (!response.ok && response.status !== 404) throw await s3Error('DELETE', key, response);
  }

  private send(method: string, url: URL, headers: Record<string, string>, body: Buffer | undefined): Promise<Response> {
    const signed = signRequest(
      { method, url, headers, payloadHash: sha256Hex(body ?? '') },
      this.credentials,
      { region: this.region, service: 's3' },
      this.now(),
    );
    // fetch sets Host itself from the URL (the same value we signed).
    const { host: _host, ...send } = signed.headers;
    return this.fetch(url, { method, headers: send, body, signal: AbortSignal.timeout(30_000) });
  }
}

async function s3Error(method: string, key: string, response: Response): Promise<Error> {
  const text = await response.text().catch(() => '');
  const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? 'unknown';
  return new Error(`S3 ${method} ${key} failed: HTTP ${response.status} ${code}`);
}
