import type { Ctx } from '../shared/context';
import type { Platform } from '../shared/platform';
import { z, nullableRef } from '../shared/zod';
import { currentMeetupView, MeetupSchema } from '../modules/meetups';
import { getTransaction } from './transaction-detail';
import { TransactionDetailSchema } from './transaction-detail.schemas';

/** GET /v1/transactions/:id: the detail plus the current meetup (SPEC §9), `null` when none was proposed. */
export const TransactionDetailWithMeetupSchema = TransactionDetailSchema.extend({
  meetup: nullableRef(MeetupSchema),
}).openapi('TransactionDetailWithMeetup');

/** The transaction detail (visibility and staff audit decided by the transactions module) with its meetup. */
export async function transactionWithMeetup(deps: Pick<Platform, 'db'>, ctx: Ctx, id: string) {
  const detail = await getTransaction(deps, ctx, id);
  return { ...detail, meetup: await currentMeetupView(deps.db, detail.id) };
}

export type TransactionDetailWithMeetup = z.infer<typeof TransactionDetailWithMeetupSchema>;
