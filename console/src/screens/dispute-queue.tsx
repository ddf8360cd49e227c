import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, biddt, money, problemText, unwrap } from '../api';
import { ErrorBanner, Select } from '../field';
import { LoadMore, useCursorList } from '../paging';

/** Support's SLA: answer within a day; past three days a case is overdue. */
const SLA_WARN_H = 24;
const SLA_BREACH_H = 72;

export function slaOf(createdAt: string, now = Date.now()): { label: string; tone: 'ok' | 'warn' | 'breach'; hours: number } {
  const hours = (now - new Date(createdAt).getTime()) / 3_600_000;
  const label =
    hours < 1 ? `${Math.max(1, Math.round(hours * 60))} min` : hours < 48 ? `${Math.round(hours)} h` : `${Math.round(hours / 24)} d`;
  return { label, hours, tone: hours >= SLA_BREACH_H ? 'breach' : hours >= SLA_WARN_H ? 'warn' : 'ok' };
}

/** Fallback refresh while the socket is down. */
const REFRESH_MS = 15_000;

/** Live: staff sockets are in the staff room, which hears `transaction_update` whenever a dispute opens or is decided. */
export function useLiveDisputes(): boolean {
  const queryClient = useQueryClient();
  const [live, setLive] = useState(false);
  useEffect(() => {
    const rt = biddt().realtime();
    const socket = rt.socket as unknown as { on(e: string, f: () => void): void; off(e: string, f: () => void): void };
    const refresh = () => void queryClient.invalidateQueries({ queryKey: ['disputes'] });
    const up = () => setLive(true);
    const down = () => setLive(false);
    socket.on('transaction_update', refresh);
    socket.on('connect', up);
    socket.on('disconnect', down);
    rt.connect().then(up, down);
    return () => {
      socket.off('transaction_update', refresh);
      socket.off('connect', up);
      socket.off('disconnect', down);
    };
  }, [queryClient]);
  return live;
}

export function DisputeQueue() {
  const [status, setStatus] = useState<'open' | 'resolved' | ''>('open');
  const [source, setSource] = useState<'party' | 'chargeback' | 'escalation' | ''>('');
  const [sort, setSort] = useState<'oldest' | 'newest'>('oldest');
  const [flagged, setFlagged] = useState<'true' | ''>('');
  const live = useLiveDisputes();
  const disputes = useCursorList({
    queryKey: ['disputes', status, source, flagged, sort],
    fetchPage: async (cursor) =>
      unwrap(
        await api().GET('/v1/admin/disputes', {
          params: {
            query: { status: status || undefined, source: source || undefined, flagged: flagged || undefined, sort, limit: 100, cursor },
          },
        }),
      ),
    refetchInterval: live ? false : REFRESH_MS,
  });
  const q = disputes.query;

  return (
    <section aria-labelledby="queue-title">
      <h1 id="queue-title">
        Dispute queue <span className={`live ${live ? 'on' : 'off'}`}>{live ? '● live' : `○ refreshing every ${REFRESH_MS / 1000} s`}</span>
      </h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <Select label="Status" value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
          <option value="open">Open</option>
          <option value="resolved">Resolved</option>
          <option value="">All</option>
        </Select>
        <Select label="Source" value={source} onChange={(e) => setSource(e.target.value as typeof source)}>
          <option value="">All</option>
          <option value="party">Opened by a party</option>
          <option value="chargeback">Chargeback</option>
          <option value="escalation">Escalation</option>
        </Select>
        <Select label="Handover" value={flagged} onChange={(e) => setFlagged(e.target.value as typeof flagged)}>
          <option value="">All</option>
          <option value="true">Flagged far from the zone</option>
        </Select>
        <Select label="Order" value={sort} onChange={(e) => setSort(e.target.value as typeof sort)}>
          <option value="oldest">Oldest first</option>
          <option value="newest">Newest first</option>
        </Select>
      </form>
      <ErrorBanner error={q.error ? problemText(q.error) : null} />
      {q.isPending ? (
        <p role="status">Loading…</p>
      ) : (
        <table className="grid">
          <thead>
            <tr>
              <th scope="col">Age (SLA)</th>
              <th scope="col">Listing</th>
              <th scope="col">Reason</th>
              <th scope="col">Source</th>
              <th scope="col" className="num">
                Amount
              </th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {disputes.items?.map((d) => {
              const sla = slaOf(d.createdAt);
              return (
                <tr key={d.id}>
                  <td>
                    <span
                      className={`sla ${d.status === 'open' ? sla.tone : 'done'}`}
                      title={`Opened ${new Date(d.createdAt).toLocaleString()}`}
                    >
                      {sla.label}
                    </span>
                  </td>
                  <td>
                    <Link to={`/disputes/${d.id}`}>{d.transaction.listingTitle}</Link>
                    {d.transaction.handoverFlagged && <span className="tag breach">handover flagged</span>}
                  </td>
                  <td>{d.reason.replace(/_/g, ' ')}</td>
                  <td>{d.source}</td>
                  <td className="num">{money(d.transaction.amountCents)}</td>
                  <td>{d.status === 'open' ? 'Open' : `Resolved: ${d.resolution?.replace('_', ' ')}`}</td>
                </tr>
              );
            })}
            {disputes.items?.length === 0 && (
              <tr>
                <td colSpan={6}>No disputes match.</td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      <LoadMore query={q} />
    </section>
  );
}
