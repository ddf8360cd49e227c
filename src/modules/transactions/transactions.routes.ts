import { defineRoute, ok } from '../../http/route';
import { getTransaction } from '../../flows/transaction-detail';
import { TransactionDetailSchema } from '../../flows/transaction-detail.schemas';
import { myTransactions, transactionTimeline } from './transaction-views';
import {
  MyTransactionsQuery,
  TimelinePage,
  TimelineQuery,
  TransactionIdParams,
  TransactionPage,
} from './transaction-views.schemas';

const tags = ['transactions'];
const hidden = { 404: { description: 'No such transaction, or not yours' } };

/** Reading transactions: parties see their own; staff with `transactions:read` any (audited). */
export const transactionRoutes = [
  defineRoute(
    {
      method: 'get',
      path: '/v1/users/me/transactions',
      summary: 'Your purchases and sales, newest first',
      tags,
      query: MyTransactionsQuery,
      responses: { 200: { description: 'A page', schema: TransactionPage } },
    },
    async (deps, { actor, query, requestId }) => ok(await myTransactions(deps, { actor, requestId }, query)),
  ),
  defineRoute(
    {
      method: 'get',
      path: '/v1/transactions/:id',
      summary: 'A transaction (buyer, seller, or staff)',
      tags,
      params: TransactionIdParams,
      responses: { 200: { description: 'The transaction', schema: TransactionDetailSchema }, ...hidden },
    },
    async (deps, { actor, params, requestId }) => ok(await getTransaction(deps, { actor, requestId }, params.id)),
  ),
  defineRoute(
    {
      method: 'get',
      path: '/v1/transactions/:id/events',
      summary: 'The transaction timeline, oldest first',
      tags,
      params: TransactionIdParams,
      query: TimelineQuery,
      responses: { 200: { description: 'A page of events', schema: TimelinePage }, ...hidden },
    },
    async (deps, { actor, params, query, requestId }) =>
      ok(await transactionTimeline(deps, { actor, requestId }, params.id, query.after, query.limit)),
  ),
];
