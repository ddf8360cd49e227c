import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, money, problemText, unwrap, when, type Schemas } from '../api';
import { ErrorBanner } from '../field';
import { LoadMore, useCursorList } from '../paging';

type MoneyJob = Schemas['MoneyJob'];
type Status = NonNullable<MoneyJob['status']>;
const STATUSES: Status[] = ['failing', 'pending', 'running', 'waiting_for_wallet', 'skipped', 'succeeded'];

/** How long the effect has been owed, in words a person scans quickly. */
function age(iso: string): string {
  const minutes = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} d`;
}

/**
 * One intent's Retry: asks first, then retries through the screen's mutation. The answer is shown
 * by the screen, not here: a retried job leaves the list it was in (failing → pending), and this
 * row with it, before anyone could read a confirmation put in the row.
 */
function RetryButton({ job, busy, onRetry }: { job: MoneyJob; busy: boolean; onRetry: (job: MoneyJob) => void }) {
  if (job.status === 'succeeded') return null;
  return (
    <button
      type="button"
      disabled={busy}
      onClick={() => {
        if (window.confirm(`Re-run the ${job.kind} of transaction ${job.transactionId} now?`)) onRetry(job);
      }}
    >
      Retry
    </button>
  );
}

/**
 * Money jobs (issue #10): payouts and refunds that are owed; by default the failing ones — what
 * Stripe refused or could not do for a while — with their last error, and a Retry for each.
 */
export function MoneyJobs() {
  const [status, setStatus] = useState<Status>('failing');
  const queryClient = useQueryClient();
  const retry = useMutation({
    mutationFn: async (job: MoneyJob) => unwrap(await api().POST('/v1/admin/money-jobs/{id}/retry', { params: { path: { id: job.id } } })),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['money-jobs'] }),
  });
  const jobs = useCursorList({
    queryKey: ['money-jobs', status],
    // Retries run in the background: poll so a retried job is seen succeeding.
    refetchInterval: 3_000,
    fetchPage: async (cursor) => unwrap(await api().GET('/v1/admin/money-jobs', { params: { query: { status, limit: 100, cursor } } })),
  });
  return (
    <section aria-labelledby="money-jobs-title">
      <h1 id="money-jobs-title">Money jobs</h1>
      <div className="filters">
        <label>
          Status{' '}
          <select name="status" value={status} onChange={(e) => setStatus(e.target.value as Status)}>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s.replaceAll('_', ' ')}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorBanner error={jobs.query.error ? problemText(jobs.query.error) : null} />
      {retry.isSuccess && retry.variables && (
        <p role="status" className="ok">
          Queued again: the {retry.variables.kind} of transaction <code>{retry.variables.transactionId.slice(0, 8)}</code>.
        </p>
      )}
      {retry.error && retry.variables && (
        <p role="alert" className="error">
          Transaction <code>{retry.variables.transactionId.slice(0, 8)}</code>: {problemText(retry.error)}
        </p>
      )}
      {jobs.items && jobs.items.length === 0 && <p role="status">No {status.replaceAll('_', ' ')} money jobs.</p>}
      {jobs.items && jobs.items.length > 0 && (
        <table className="grid" data-testid="money-jobs">
          <thead>
            <tr>
              <th scope="col">Transaction</th>
              <th scope="col">Kind</th>
              <th scope="col">Amount</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last error</th>
              <th scope="col">Age</th>
              <th scope="col">Next attempt</th>
              <th scope="col">
                Actions
              </th>
            </tr>
          </thead>
          <tbody>
            {jobs.items.map((job) => (
              <tr key={job.id} data-job-id={job.id}>
                <td>
                  <Link to={`/audit-log?targetId=${job.transactionId}`} title="Staff actions on this transaction">
                    <code>{job.transactionId.slice(0, 8)}</code>
                  </Link>
                </td>
                <td>{job.kind}</td>
                <td>{job.kind === 'refund' ? money(job.amountCents) : 'payout'}</td>
                <td data-testid="money-job-status">{job.status.replaceAll('_', ' ')}</td>
                <td>{job.attempts}</td>
                <td>{job.lastError ?? '—'}</td>
                <td>{age(job.createdAt)}</td>
                <td>{job.status === 'succeeded' ? when(job.completedAt) : when(job.nextAttemptAt)}</td>
                <td>
                  <RetryButton job={job} busy={retry.isPending && retry.variables?.id === job.id} onRetry={(j) => retry.mutate(j)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <LoadMore query={jobs.query} />
    </section>
  );
}
