import type { RequestHandler } from 'express';
import multer from 'multer';
import type { Platform } from '../../shared/platform';
import { created, defineRoute, noContent } from '../../http/route';
import { DiskStorage } from '../../providers/storage/disk-storage';
import { AppError, invalid, notFound } from '../../shared/errors';
import { z } from '../../shared/zod';
import { addListingImage, MAX_IMAGE_BYTES, removeListingImage } from './listing-images';
import { presentImage } from './listings.presenter';
import { ListingIdParams, ListingImage, ListingImageParams } from './listings.schemas';

const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_IMAGE_BYTES, files: 1, fields: 10, parts: 11 } });

function uploadError(err: unknown): AppError {
  if (err instanceof multer.MulterError) {
    if (err.code === 'LIMIT_FILE_SIZE') return new AppError('payload_too_large', 'image_too_large', 'Images may be at most 10 MB.');
    return invalid([{ field: err.field ?? 'image', message: `${err.message}; send one file as multipart field "image"` }]);
  }
  return invalid([{ field: 'image', message: 'the multipart body is malformed' }]);
}

/** Parses the multipart upload and hands the file's bytes to the handler as `rawBody` (nothing else). */
function imageUpload(): RequestHandler {
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
const FILE = /^[0-9a-f-]{36}\.(jpg|png|webp)$/;
const UploadParams = z.object({ listingId: z.uuid(), file: z.string().regex(FILE) });

/** Serves the disk stand-in's files read-only (S3 serves its own); a miss falls through to a 404. */
function serveUploads(deps: Pick<Platform, 'storage'>): RequestHandler {
  const disk = deps.storage instanceof DiskStorage ? deps.storage : undefined;
  return (req, res, next) => {
    const { listingId, file } = req.params;
    if (!disk || typeof listingId !== 'string' || typeof file !== 'string' || !UUID.test(listingId) || !FILE.test(file)) return next();
    // Clients on other origins (web console, CDN previews) may embed these images.
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.sendFile(`listings/${listingId}/${file}`, { root: disk.root, dotfiles: 'deny', maxAge: '365d', immutable: true }, (err) => {
      if (err && !res.headersSent) next();
    });
  };
}

const tags = ['listings'];

export const listingImageRoutes = [
  defineRoute(
    {
      method: 'post',
      path: '/v1/listings/:id/images',
      summary: 'Add a photo to your listing (multipart field "image": JPEG, PNG or WebP, ≤ 10 MB)',
      tags,
      params: ListingIdParams,
      before: () => [imageUpload()],
      responses: {
        201: { description: 'The stored image', schema: ListingImage },
        403: { description: 'not_listing_seller (the listing is visible to you but not yours)' },
        409: { description: 'too_many_images (12) / listing_not_editable' },
        413: { description: 'image_too_large' },
        422: { description: 'unsupported_image_type (checked by content, not name)' },
      },
    },
    async (deps, input) => {
      const image = await addListingImage(deps, { actor: input.actor, requestId: input.requestId }, input.params.id, input.rawBody);
      return created(presentImage(image));
    },
  ),
  defineRoute(
    {
      method: 'delete',
      path: '/v1/listings/:id/images/:imageId',
      summary: 'Remove a photo from your listing (not once it has bids)',
      tags,
      params: ListingImageParams,
      responses: {
        204: { description: 'Removed' },
        403: { description: 'not_listing_seller (the listing is visible to you but not yours)' },
        409: { description: 'listing_terms_locked (has bids)' },
      },
    },
    async (deps, input) => {
      await removeListingImage(deps, { actor: input.actor, requestId: input.requestId }, input.params.id, input.params.imageId);
      return noContent();
    },
  ),
  defineRoute(
    {
      method: 'get',
      path: '/uploads/listings/:listingId/:file',
      summary: 'A stored listing photo (local-disk storage only; with S3 the image URL points at the bucket)',
      tags,
      auth: 'none',
      params: UploadParams,
      before: (deps) => [serveUploads(deps)],
      responses: { 200: { description: 'The image bytes', contentType: 'image/*' } },
    },
    async () => {
      throw notFound('image');
    },
  ),
];
