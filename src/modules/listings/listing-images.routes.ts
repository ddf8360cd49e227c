import { created, defineRoute, noContent } from '../../http/route';
import { imageUpload, serveStoredImages, STORED_IMAGE_FILE } from '../../http/image-upload';
import { notFound } from '../../shared/errors';
import { z } from '../../shared/zod';
import { addListingImage, removeListingImage } from './listing-images';
import { presentImage } from './listings.presenter';
import { ListingIdParams, ListingImage, ListingImageParams } from './listings.schemas';

const UploadParams = z.object({ listingId: z.uuid(), file: z.string().regex(STORED_IMAGE_FILE) });

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
      before: (deps) => [serveStoredImages(deps, 'listings', 'listingId')],
      responses: { 200: { description: 'The image bytes', contentType: 'image/*' } },
    },
    async () => {
      throw notFound('image');
    },
  ),
];
