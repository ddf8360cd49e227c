import { DisputeSchema } from '../modules/disputes';
import { TransactionSchema } from '../modules/transactions';
import { z, nullableRef } from '../shared/zod';

/** GET /v1/transactions/:id (and the QR verification's answer): the transaction, the viewer's role and its dispute. */
export const TransactionDetailSchema = TransactionSchema.extend({
  paidAt: z.iso.datetime().nullable(),
  cancelledAt: z.iso.datetime().nullable(),
  /** Your side of it; `null` for staff. */
  myRole: z.enum(['buyer', 'seller']).nullable(),
  /** The latest dispute (open or resolved), if there ever was one. */
  dispute: nullableRef(DisputeSchema),
}).openapi('TransactionDetail');

