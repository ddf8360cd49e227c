import { z } from '../../shared/zod';

export const MAX_RATING_COMMENT = 1000;

export const RateBody = z
  .strictObject({
    score: z.number().int().min(1).max(5),
    comment: z.string().trim().max(MAX_RATING_COMMENT).optional(),
  })
  .openapi('Rate');

export const RatingSchema = z
  .object({
    id: z.uuid(),
    transactionId: z.uuid(),
    raterId: z.uuid(),
    rateeId: z.uuid(),
    score: z.number().int(),
    comment: z.string().nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi('Rating');
