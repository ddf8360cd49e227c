import type { Role } from '../../../db/schema';
import { accepted, defineRoute, ok } from '../../http/route';
import { MoneyJobIdParams, MoneyJobPage, MoneyJobSchema, MoneyJobsQuery } from './escrow.schemas';
import { listMoneyJobs, retryMoneyJob } from './money-jobs';

const tags = ['admin'];
const staff: { roles: Role[] } = { roles: ['support', 'admin'] };

export const moneyJobRoutes = [
  defineRoute(
    {
      method: 'get',
      path: '/v1/admin/money-jobs',
      summary: 'Money intents (payouts, refunds), newest first — `?status=failing` for the ones staff must look at',
      tags,
      ...staff,
      query: MoneyJobsQuery,
      responses: {
        200: { description: 'A page of money jobs', schema: MoneyJobPage },
        400: { description: 'A bad filter (the field is named)' },
        403: { description: 'staff_only, missing_permission (money_jobs:read)' },
      },
    },
    async (deps, { actor, query, requestId }) =>
      ok(await listMoneyJobs(deps, { actor, requestId }, { status: query.status, transactionId: query.transactionId, limit: query.limit, cursor: query.cursor })),
  ),
  defineRoute(
    {
      method: 'post',
      path: '/v1/admin/money-jobs/:id/retry',
      summary: 'Re-run a money job now (audited); it runs in the background — poll the list for its outcome',
      tags,
      ...staff,
      params: MoneyJobIdParams,
      responses: {
        202: { description: 'Queued again', schema: MoneyJobSchema },
        403: { description: 'staff_only, missing_permission (money_jobs:retry)' },
        404: { description: 'No such money job' },
        409: { description: 'money_job_succeeded (nothing to re-run) or money_job_running' },
      },
    },
    async (deps, { actor, params, requestId }) => accepted(await retryMoneyJob(deps, { actor, requestId }, params.id)),
  ),
];
