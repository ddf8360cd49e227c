import type { SecondChanceOffer } from '../../../db/schema';
import { jobId } from '../../shared/jobs';
import { jobFor, type OutboxJob } from '../../shared/outbox';

/** The delayed job that expires an unanswered offer at the end of its window. */
export function offerExpiryJob(offer: Pick<SecondChanceOffer, 'id' | 'expiresAt'>): OutboxJob<'offer.expire'> {
  return jobFor('offer.expire', { offerId: offer.id }, { jobId: jobId('offer-expire', offer.id), runAt: offer.expiresAt.getTime() });
}
