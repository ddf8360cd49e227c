import { createUser } from '../support/harness';
import { createDraft, createPublished, useListingSeller } from './support';

// A real 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const JPEG_HEADER = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]);

const ctx = useListingSeller();

const upload = (id: string, bytes: Buffer, filename = 'photo.png', user = ctx.seller, field = 'image') =>
  ctx.env.http.post(`/v1/listings/${id}/images`).set(user.auth).attach(field, bytes, { filename, contentType: 'image/png' });
const pathOf = (url: string) => new URL(url).pathname;

describe('listing images', () => {
  it('stores a PNG, shows it on the listing and serves it back from its URL', async () => {
    const draft = await createDraft(ctx.env, ctx.seller);
    const res = await upload(draft.id, PNG);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ contentType: 'image/png', sizeBytes: PNG.length, position: 0 });
    expect(res.body.url).toMatch(new RegExp(`/uploads/listings/${draft.id}/${res.body.id}\\.png$`));

    const listing = await ctx.env.http.get(`/v1/listings/${draft.id}`).set(ctx.seller.auth);
    expect(listing.body.images).toEqual([res.body]);
    const file = await ctx.env.http.get(pathOf(res.body.url)).buffer(true);
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(file.body as Buffer, PNG)).toBe(0);

    const second = await upload(draft.id, Buffer.concat([JPEG_HEADER, Buffer.alloc(64)]), 'IMG_0001.HEIC');
    expect(second.body).toMatchObject({ contentType: 'image/jpeg', position: 1 });
  });

  it('judges the type by content: a text file named .png is refused with 422', async () => {
    const draft = await createDraft(ctx.env, ctx.seller);
    const res = await upload(draft.id, Buffer.from('definitely not an image\n'), 'cat.png');
    expect([res.status, res.body.code]).toEqual([422, 'unsupported_image_type']);
    expect(await ctx.env.deps.db.selectFrom('listingImages').select('id').where('listingId', '=', draft.id).execute()).toEqual([]);
  });

  it('refuses files over 10 MB with 413', async () => {
    const draft = await createDraft(ctx.env, ctx.seller);
    const big = Buffer.concat([PNG, Buffer.alloc(10 * 1024 * 1024)]);
    const res = await upload(draft.id, big);
    expect([res.status, res.body.code]).toEqual([413, 'image_too_large']);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('needs the file in the "image" field', async () => {
    const draft = await createDraft(ctx.env, ctx.seller);
    const wrong = await upload(draft.id, PNG, 'photo.png', ctx.seller, 'photo');
    expect(wrong.status).toBe(400);
    const none = await ctx.env.http.post(`/v1/listings/${draft.id}/images`).set(ctx.seller.auth).send({ image: 'data:image/png;base64,AAAA' });
    expect([none.status, none.body.errors]).toEqual([400, [{ field: 'image', message: expect.any(String) }]]);
  });

  it('caps a listing at 12 images (409)', async () => {
    const draft = await createDraft(ctx.env, ctx.seller);
    await ctx.env.deps.db
      .insertInto('listingImages')
      .values(Array.from({ length: 12 }, (_, i) => ({ listingId: draft.id, storageKey: `k${i}`, url: `u${i}`, contentType: 'image/png', sizeBytes: 1, position: i })))
      .execute();
    const res = await upload(draft.id, PNG);
    expect([res.status, res.body.code]).toEqual([409, 'too_many_images']);
  });

  it('lets only the seller add photos (404 on a draft, 403 once published)', async () => {
    const stranger = await createUser(ctx.env.deps);
    const draft = await createDraft(ctx.env, ctx.seller);
    expect((await upload(draft.id, PNG, 'x.png', stranger)).status).toBe(404);
    const listing = await createPublished(ctx.env, ctx.seller);
    expect((await upload(listing.id, PNG, 'x.png', stranger)).status).toBe(403);
    expect((await upload(listing.id, PNG)).status).toBe(201);
  });

  it('removes a photo and its file; not once the listing has bids', async () => {
    const listing = await createPublished(ctx.env, ctx.seller);
    const a = (await upload(listing.id, PNG)).body;
    const b = (await upload(listing.id, PNG)).body;
    expect((await ctx.env.http.delete(`/v1/listings/${listing.id}/images/${a.id}`).set(ctx.seller.auth)).status).toBe(204);
    expect((await ctx.env.http.get(pathOf(a.url))).status).toBe(404);
    expect((await ctx.env.http.get(`/v1/listings/${listing.id}`)).body.images.map((i: { id: string }) => i.id)).toEqual([b.id]);
    await ctx.env.deps.db.updateTable('listings').set({ bidCount: 1 }).where('id', '=', listing.id).execute();
    const locked = await ctx.env.http.delete(`/v1/listings/${listing.id}/images/${b.id}`).set(ctx.seller.auth);
    expect([locked.status, locked.body.code]).toEqual([409, 'listing_terms_locked']);
  });
});
