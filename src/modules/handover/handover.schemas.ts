import { z } from '../../shared/zod';

// Any string reaches the redemption check (only hashed; the 1 MB body limit bounds it): a wrong code,
// however long, is a 422 naming `token`, not a 400.
// lat/lng: where the scanning phone is (SPEC §9), optional because a lost GPS fix must not block a sale:
// left out or null (how most phone SDKs report "no fix") both mean no position.
export const VerifyPickupBody = z
  .strictObject({
    token: z.string().min(1, 'scan the buyer’s code'),
    lat: z.number().min(-90).max(90).nullable().optional(),
    lng: z.number().min(-180).max(180).nullable().optional(),
  })
  .superRefine((b, ctx) => {
    // Half a position: name the coordinate that is missing, not the one that was sent.
    const missing = b.lat == null && b.lng != null ? 'lat' : b.lng == null && b.lat != null ? 'lng' : undefined;
    if (missing) ctx.addIssue({ code: 'custom', path: [missing], message: 'send lat and lng together, or neither' });
  })
  .openapi('VerifyPickup');

export const PickupCodeSchema = z
  .object({
    token: z.string().describe('Single-use, 256-bit, base64url'),
    expiresAt: z.iso.datetime(),
    pickupUri: z.string().describe('biddt://pickup/<transactionId>?t=<token> — what the QR encodes'),
    qrPngDataUrl: z.string().describe('data:image/png;base64,…'),
  })
  .openapi('PickupCode');
