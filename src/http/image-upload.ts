import type { RequestHandler } from 'express';
import multer from 'multer';
import type { Platform } from '../shared/platform';
import { DiskStorage } from '../providers/storage/disk-storage';
import { AppError, invalid } from '../shared/errors';
import { MAX_IMAGE_BYTES } from '../shared/image-type';

const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_IMAGE_BYTES, files: 1, fields: 10, parts: 11 } });

function uploadError(err: unknown): AppError {
  if (err instanceof multer.MulterError) {
    if (err.code === 'LIMIT_FILE_SIZE') return new AppError('payload_too_large', 'image_too_large', 'Images may be at most 10 MB.');
    return invalid([{ field: err.field ?? 'image', message: `${err.message}; send one file as multipart field "image"` }]);
  }
  return invalid([{ field: 'image', message: 'the multipart body is malformed' }]);
}

/** Parses a one-image multipart upload (field `image`) and hands its bytes to the handler as `rawBody`. */
export function imageUpload(): RequestHandler {
  const single = upload.single('image');
  return (req, res, next) => {
    single(req, res, (err?: unknown) => {
      if (err) return next(uploadError(err));
      req.rawBody = req.file?.buffer;
      next();
    });
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const STORED_IMAGE_FILE = /^[0-9a-f-]{36}\.(jpg|png|webp)$/;

/**
 * Serves the disk stand-in's images under `<folder>/<owner id>/<file>` read-only (S3 serves its own);
 * a miss falls through to a 404. File names are random UUIDs: the URL is the capability.
 */
export function serveStoredImages(deps: Pick<Platform, 'storage'>, folder: string, ownerParam: string): RequestHandler {
  const disk = deps.storage instanceof DiskStorage ? deps.storage : undefined;
  return (req, res, next) => {
    const owner = req.params[ownerParam];
    const { file } = req.params;
    if (!disk || typeof owner !== 'string' || typeof file !== 'string' || !UUID.test(owner) || !STORED_IMAGE_FILE.test(file)) return next();
    // Clients on other origins (web console, CDN previews) may embed these images.
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.sendFile(`${folder}/${owner}/${file}`, { root: disk.root, dotfiles: 'deny', maxAge: '365d', immutable: true }, (err) => {
      if (err && !res.headersSent) next();
    });
  };
}
