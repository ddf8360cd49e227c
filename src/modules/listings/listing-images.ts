import { randomUUID } from 'node:crypto';
import type { Platform } from '../../shared/platform';
import { AppError, conflict, invalid, notFound, unprocessable } from '../../shared/errors';
import { MAX_IMAGE_BYTES, sniffImageType } from '../../shared/image-type';
import { listingsRepository, type ListingImage } from './listings.repository';
import { assertImagesEditable, assertSeller } from './listings.policy';
import type { Ctx } from '../../shared/context';

export const MAX_IMAGES_PER_LISTING = 12;

type ImageDeps = Pick<Platform, 'db' | 'storage' | 'logger'>;

const tooMany = () => conflict('too_many_images', `A listing has at most ${MAX_IMAGES_PER_LISTING} images.`);

/**
 * Adds a photo to the seller's listing. The type comes from the bytes (JPEG, PNG, WebP), never the file
 * name. The object is stored first and the row written under the listing lock, which makes the
 * 12-image cap exact under concurrent uploads; a refused row deletes the stored object again.
 */
export async function addListingImage(deps: ImageDeps, ctx: Ctx, listingId: string, bytes: Buffer | undefined): Promise<ListingImage> {
  if (!bytes || bytes.length === 0) throw invalid([{ field: 'image', message: 'send one image file as multipart field "image"' }]);
  if (bytes.length > MAX_IMAGE_BYTES) throw new AppError('payload_too_large', 'image_too_large', 'Images may be at most 10 MB.');
  const listing = await listingsRepository.findById(deps.db, listingId);
  if (!listing) throw notFound('listing');
  assertSeller(listing, ctx.actor);
  assertImagesEditable(listing, false);
  const type = sniffImageType(bytes);
  if (!type) {
    throw unprocessable('unsupported_image_type', 'Only JPEG, PNG and WebP images are accepted.', {
      errors: [{ field: 'image', message: 'is not a JPEG, PNG or WebP image' }],
    });
  }
  if ((await listingsRepository.countImages(deps.db, listingId)) >= MAX_IMAGES_PER_LISTING) throw tooMany();

  const id = randomUUID();
  const storageKey = `listings/${listingId}/${id}.${type.extension}`;
  const { url } = await deps.storage.put(storageKey, bytes, type.contentType);
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const locked = await listingsRepository.lockById(trx, listingId);
      if (!locked) throw notFound('listing');
      assertImagesEditable(locked, false);
      if ((await listingsRepository.countImages(trx, listingId)) >= MAX_IMAGES_PER_LISTING) throw tooMany();
      return listingsRepository.insertImage(trx, { id, listingId, storageKey, url, contentType: type.contentType, sizeBytes: bytes.length });
    });
  } catch (err) {
    await deleteQuietly(deps, storageKey);
    throw err;
  }
}

/** Removes a photo (draft, or published without bids); the stored object goes after the commit. */
export async function removeListingImage(deps: ImageDeps, ctx: Ctx, listingId: string, imageId: string): Promise<void> {
  const removed = await deps.db.transaction().execute(async (trx) => {
    const listing = await listingsRepository.lockById(trx, listingId);
    if (!listing) throw notFound('listing');
    assertSeller(listing, ctx.actor);
    assertImagesEditable(listing, true);
    const image = await listingsRepository.deleteImage(trx, listingId, imageId);
    if (!image) throw notFound('image');
    return image;
  });
  await deleteQuietly(deps, removed.storageKey);
}

async function deleteQuietly(deps: ImageDeps, key: string): Promise<void> {
  // An orphaned object costs storage, not correctness; never fail the request over it.
  await deps.storage.delete(key).catch((err: unknown) => deps.logger.warn({ err, key }, 'could not delete stored image'));
}
