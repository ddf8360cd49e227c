import { created, defineRoute } from '../../http/route';
import { TransactionIdParams } from '../transactions';
import { rateTransaction } from './rate-transaction';
import { RateBody, RatingSchema } from './ratings.schemas';

export const ratingRoutes = [
  defineRoute(
    {
      method: 'post',
      path: '/v1/transactions/:id/rating',
      summary: 'Rate the other party, once, after the payment was released',
      tags: ['ratings'],
      params: TransactionIdParams,
      body: RateBody,
      responses: {
        201: { description: 'Your rating of the other party', schema: RatingSchema },
        403: { description: 'not_a_party' },
        404: { description: 'No such transaction, or not yours' },
        409: { description: 'transaction_not_released (ratings open once the seller is paid), already_rated, party_account_deleted' },
      },
    },
    async (deps, { actor, params, body, requestId }) => created(await rateTransaction(deps, { actor, requestId }, params.id, body)),
  ),
];
