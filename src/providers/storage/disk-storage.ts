import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { assertStorageKey, type ObjectStorage } from './storage';

/** URL path under which the api serves the disk stand-in's files (read-only). */
export const UPLOADS_PATH = '/uploads';

/** Local-disk stand-in for S3: files under `dir`, served by the api at `${publicBaseUrl}/uploads/<key>`. */
export class DiskStorage implements ObjectStorage {
  readonly root: string;

  constructor(
    dir: string,
    private readonly publicBaseUrl: string,
  ) {
    this.root = resolve(dir);
  }

  async put(key: string, bytes: Buffer, _contentType: string): Promise<{ url: string }> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    // Write then rename, so a reader never sees a half-written file.
    const temporary = `${path}.${randomUUID()}.tmp`;
    await writeFile(temporary, bytes);
    await rename(temporary, path);
    return { url: `${this.publicBaseUrl.replace(/\/$/, '')}${UPLOADS_PATH}/${key}` };
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  /** Absolute file path of a key. */
  pathOf(key: string): string {
    assertStorageKey(key);
    return join(this.root, key);
  }
}
