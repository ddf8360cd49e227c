import type { Config } from '../../config/config';
import { DiskStorage } from './disk-storage';
import { S3Storage } from './s3-storage';
import type { ObjectStorage } from './storage';

/** The configured storage: S3 when `STORAGE_DRIVER=s3`, otherwise files under `STORAGE_DIR`. */
export function createStorage(config: Config): ObjectStorage {
  if (config.storage.driver === 's3') {
    if (!config.storage.s3) throw new Error('STORAGE_DRIVER=s3 needs S3_BUCKET');
    return new S3Storage(config.storage.s3);
  }
  return new DiskStorage(config.storage.dir, config.publicBaseUrl);
}
