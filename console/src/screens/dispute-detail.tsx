import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { api, biddt, BiddtApiError, fieldErrors, money, problemText, unwrap, when, type Schemas } from '../api';
import { ErrorBanner, Field, TextArea } from '../field';

/** A case always has its dispute (the generated Dispute component is shared with a nullable use). */
type Case = Schemas['DisputeCase'] & { dispute: NonNullable<Schemas['DisputeCase']['dispute']> };
type Resolution = 'release' | 'refund' | 'partial_refund';

/** SPEC §1, as the refund worker pays it: the seller keeps (amount − refunds − x) minus commission on it and the escrow fee. */
export function splitFor(tx: Case['transaction'], resolution: Resolution, refundCents: number) {
  const commission = (cents: number) => Math.floor((cents * tx.commissionBps + 5000) / 10000);
  const available = tx.amountCents - tx.refundedCents;
  if (resolution === 'release') return { buyerRefund: 0, sellerPayout: tx.sellerPayoutCents };
  if (resolution === 'refund') return { buyerRefund: available, sellerPayout: 0 };
  const kept = available - refundCents;
  return { buyerRefund: refundCents, sellerPayout: kept - commission(Math.max(kept, 0)) - tx.escrowFeeCents };
}

/**
 * The partial refund's client-side rule (the server checks it again): 0 < x < amount and the seller's
 * payout after fees not negative (SPEC §1; exactly $0.00 is allowed, as the server allows it).
 */
export function partialRefundError(tx: Case['transaction'], cents: number): string | null {
  if (!Number.isSafeInteger(cents) || cents <= 0) return 'Enter an amount above $0.00';
  if (cents >= tx.amountCents) return `Must be less than the sale amount (${money(tx.amountCents)}); refund fully instead`;
  if (splitFor(tx, 'partial_refund', cents).sellerPayout < 0) return 'The fees would exceed what the seller keeps; refund fully instead';
  return null;
}

/** The flagged handover's timeline data (SPEC §9), as the QR verify writes it. */
interface FarHandover {
  distanceM?: number;
  thresholdM?: number;
  safeZoneName?: string;
}

const metres = (m: number | null | undefined) => (m == null ? 'an unknown distance' : `${m.toLocaleString()} m`);

/** SPEC §9: a handover farther than 500 m from the accepted meetup's zone is flagged in the console. */
function HandoverFlag({ kase }: { kase: Case }) {
  const handover = kase.transaction.handover;
  if (!handover?.flagged) return null;
  const event = kase.timeline.find((e) => e.flagged)?.data as FarHandover | undefined;
  return (
    <p className="banner error" role="note" aria-label="Handover flagged">
      <strong>Handover flagged:</strong> the pickup code was scanned {metres(handover.distanceM)} from{' '}
      {event?.safeZoneName ?? "the meetup's safe zone"} (limit {metres(event?.thresholdM ?? 500)}), at {handover.lat.toFixed(5)},{' '}
      {handover.lng.toFixed(5)}.
    </p>
  );
}

function Party({ title, p }: { title: string; p: Case['parties']['buyer'] }) {
  return (
    <section className="card party" aria-label={title}>
      <h3>
        {title}: <Link to={`/users/${p.id}`}>{p.displayName ?? p.id.slice(0, 8)}</Link>
        {p.suspended && <span className="tag breach">suspended</span>}
        {p.deleted && <span className="tag">deleted</span>}
      </h3>
      <dl className="facts">
        <dt>Member since</dt>
        <dd>{p.memberSince ? new Date(p.memberSince).toLocaleDateString() : '—'}</dd>
        <dt>Rating</dt>
        <dd>{p.ratingAverage === null ? 'none yet' : `${p.ratingAverage} ★ (${p.ratingCount})`}</dd>
        <dt>Strikes</dt>
        <dd>{p.nonPaymentStrikes}</dd>
        <dt>Disputes</dt>
        <dd>{p.disputes}</dd>
        <dt>Sales</dt>
        <dd>
          bought {p.transactions.asBuyer} · sold {p.transactions.asSeller}
        </dd>
      </dl>
    </section>
  );
}

function StaffMessage({ disputeId, disabled }: { disputeId: string; disabled: boolean }) {
  const queryClient = useQueryClient();
  const [content, setContent] = useState('');
  const send = useMutation({
    mutationFn: async () =>
      unwrap(await api().POST('/v1/admin/disputes/{id}/messages', { params: { path: { id: disputeId } }, body: { content } })),
    onSuccess: () => {
      setContent('');
      void queryClient.invalidateQueries({ queryKey: ['case', disputeId] });
    },
  });
  const errors = fieldErrors(send.error);
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        if (content.trim()) send.mutate();
      }}
    >
      <TextArea
        label="Message both parties"
        name="content"
        rows={2}
        value={content}
        onChange={(e) => setContent(e.target.value)}
        error={errors.content}
        disabled={disabled}
      />
      {send.error && !errors.content && <ErrorBanner error={problemText(send.error)} />}
      <button type="submit" disabled={disabled || send.isPending || !content.trim()}>
        Send as Biddt support
      </button>
    </form>
  );
}

function Resolve({ kase }: { kase: Case }) {
  const queryClient = useQueryClient();
  const tx = kase.transaction;
  const [resolution, setResolution] = useState<Resolution>('partial_refund');
  const [amount, setAmount] = useState('');
  const [note, setNote] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [clientErrors, setClientErrors] = useState<Record<string, string>>({});
  const cents = Math.round(Number(amount) * 100);
  const resolve = useMutation({
    mutationFn: async () =>
      unwrap(
        await api().POST('/v1/admin/disputes/{id}/resolve', {
          params: { path: { id: kase.dispute.id } },
          body: { resolution, note, ...(resolution === 'partial_refund' ? { amountCents: cents } : {}) },
        }),
      ),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['case', kase.dispute.id] }),
  });
  const serverErrors = fieldErrors(resolve.error);
  // A 409 means the case changed under the agent, except when a chargeback holds the funds: that one says what to do.
  const stale = resolve.error instanceof BiddtApiError && resolve.error.status === 409 && resolve.error.code !== 'chargeback_funds_held';

  const review = (e: FormEvent) => {
    e.preventDefault();
    const errors: Record<string, string> = {};
    if (resolution === 'partial_refund') {
      const err = partialRefundError(tx, cents);
      if (err) errors.amountCents = err;
    }
    if (!note.trim()) errors.note = 'Explain the decision to the parties';
    setClientErrors(errors);
    if (Object.keys(errors).length === 0) setConfirming(true);
  };

  // The server refuses staff a decision on a chargeback (409 chargeback_dispute): Stripe's webhooks close it.
  if (kase.dispute.status === 'open' && kase.dispute.source === 'chargeback') {
    return (
      <section className="card" aria-labelledby="resolve-title">
        <h2 id="resolve-title">Chargeback</h2>
        <p>
          The buyer's card issuer opened this dispute. It is decided by the card issuer, not by support: the outcome arrives from Stripe and
          settles the transaction on its own.
        </p>
      </section>
    );
  }
  if (kase.dispute.status !== 'open') {
    return (
      <section className="card" aria-labelledby="resolved-title">
        <h2 id="resolved-title">Resolved</h2>
        <p>
          {kase.dispute.resolution?.replace('_', ' ')} {kase.dispute.refundCents ? `(${money(kase.dispute.refundCents)} refunded)` : ''} on{' '}
          {when(kase.dispute.resolvedAt)}: “{kase.dispute.resolutionNote}”
        </p>
      </section>
    );
  }
  const split = splitFor(tx, resolution, cents);
  const errors = { ...clientErrors, ...serverErrors };
  return (
    <section className="card" aria-labelledby="resolve-title">
      <h2 id="resolve-title">Resolve</h2>
      {stale && (
        <p className="banner error" role="alert">
          Someone resolved or changed this dispute meanwhile ({resolve.error instanceof BiddtApiError ? resolve.error.code : ''}). Nothing
          was done twice; the case below is current.
        </p>
      )}
      <form onSubmit={review} noValidate className="stack">
        <fieldset>
          <legend>Decision</legend>
          {(['release', 'refund', 'partial_refund'] as const).map((r) => (
            <label key={r} className="radio">
              <input
                type="radio"
                name="resolution"
                value={r}
                checked={resolution === r}
                onChange={() => {
                  setResolution(r);
                  setConfirming(false);
                }}
              />
              {r === 'release' ? 'Release to the seller' : r === 'refund' ? 'Refund the buyer in full' : 'Refund part of it'}
            </label>
          ))}
        </fieldset>
        {resolution === 'partial_refund' && (
          <Field
            label="Refund to the buyer (CAD)"
            name="amountCents"
            inputMode="decimal"
            value={amount}
            onChange={(e) => {
              setAmount(e.target.value);
              setConfirming(false);
            }}
            error={errors.amountCents}
            hint={`Sale ${money(tx.amountCents)}; already refunded ${money(tx.refundedCents)}`}
          />
        )}
        <TextArea
          label="Note to the parties"
          name="note"
          rows={2}
          value={note}
          onChange={(e) => {
            setNote(e.target.value);
            setConfirming(false);
          }}
          error={errors.note}
        />
        {!confirming ? (
          <button type="submit">Review the money split</button>
        ) : (
          <div className="confirm" role="group" aria-labelledby="split-title">
            <h3 id="split-title">Confirm this split</h3>
            <dl className="facts">
              <dt>Buyer refund</dt>
              <dd data-testid="buyer-refund">{money(split.buyerRefund)}</dd>
              <dt>Seller payout</dt>
              <dd data-testid="seller-payout">{money(split.sellerPayout)}</dd>
            </dl>
            <button type="button" className="danger" onClick={() => resolve.mutate()} disabled={resolve.isPending}>
              Confirm {resolution.replace('_', ' ')}
            </button>
            <button type="button" className="link" onClick={() => setConfirming(false)}>
              Change
            </button>
          </div>
        )}
        {resolve.error && !stale && <ErrorBanner error={problemText(resolve.error)} />}
      </form>
    </section>
  );
}

export function DisputeDetail() {
  const { id = '' } = useParams();
  const queryClient = useQueryClient();
  const q = useQuery({
    queryKey: ['case', id],
    queryFn: async () => unwrap(await api().GET('/v1/admin/disputes/{id}', { params: { path: { id } } })),
  });
  const transactionId = q.data?.transaction.id;
  const disputed = q.data?.transaction.status === 'disputed';

  // New chat messages and status changes arrive live while the case is open on screen.
  useEffect(() => {
    if (!transactionId || !disputed) return;
    const rt = biddt().realtime();
    const socket = rt.socket as unknown as { on(e: string, f: () => void): void; off(e: string, f: () => void): void };
    const refresh = () => void queryClient.invalidateQueries({ queryKey: ['case', id] });
    socket.on('new_message', refresh);
    socket.on('transaction_update', refresh);
    void rt
      .connect()
      .then(() => rt.request('join_chat', { transactionId }))
      .catch(() => undefined);
    return () => {
      socket.off('new_message', refresh);
      socket.off('transaction_update', refresh);
    };
  }, [transactionId, disputed, id, queryClient]);

  if (q.isPending) return <p role="status">Loading…</p>;
  if (q.error) return <ErrorBanner error={problemText(q.error)} />;
  const kase = q.data as Case;
  const tx = kase.transaction;
  return (
    <article aria-labelledby="case-title">
      <p>
        <Link to="/disputes">← Queue</Link>
      </p>
      <h1 id="case-title">
        {kase.listing?.title ?? 'Listing'} · {money(tx.amountCents)} <span className="tag">{tx.status}</span>
      </h1>
      <p className="lead">
        <strong>{kase.dispute.reason.replace(/_/g, ' ')}</strong> — opened by the {kase.evidence.openedBy} {when(kase.dispute.createdAt)}: “
        {kase.evidence.details}”
      </p>
      <HandoverFlag kase={kase} />
      <div className="columns">
        <div className="stack">
          <section className="card" aria-labelledby="chat-title">
            <h2 id="chat-title">Chat and evidence</h2>
            <ol className="chat">
              {kase.messages.map((m) => (
                <li key={m.id} className={`msg ${m.sender}`}>
                  <span className="meta">
                    {m.sender} · {when(m.createdAt)}
                  </span>
                  {m.type === 'image' ? (
                    <a href={m.content} target="_blank" rel="noreferrer">
                      <img src={m.content} alt={`Evidence photo from the ${m.sender}`} className="evidence" />
                    </a>
                  ) : (
                    <p>{m.content}</p>
                  )}
                </li>
              ))}
              {kase.messages.length === 0 && <li>No messages.</li>}
            </ol>
            {/* Staff write only in an open case: a decided one refuses it (409) while its money is still on the way. */}
            <StaffMessage disputeId={kase.dispute.id} disabled={!disputed || kase.dispute.status !== 'open'} />
          </section>
          <section className="card" aria-labelledby="timeline-title">
            <h2 id="timeline-title">Timeline</h2>
            <ol className="timeline">
              {kase.timeline.map((e) => (
                <li key={e.id} className={e.flagged ? 'flag' : undefined}>
                  <time dateTime={e.createdAt}>{when(e.createdAt)}</time> <strong>{e.type.replace(/_/g, ' ')}</strong>{' '}
                  <span className="meta">by {e.actor}</span>
                  {e.flagged && (
                    <span className="tag breach">
                      {metres((e.data as FarHandover).distanceM)} from {(e.data as FarHandover).safeZoneName ?? 'the zone'}
                    </span>
                  )}
                  {Object.keys(e.data).length > 0 && <code className="data">{JSON.stringify(e.data)}</code>}
                </li>
              ))}
            </ol>
          </section>
        </div>
        <div className="stack">
          <Resolve kase={kase} />
          <section className="card" aria-labelledby="money-title">
            <h2 id="money-title">Money</h2>
            <dl className="facts">
              <dt>Sale</dt>
              <dd>{money(tx.amountCents)}</dd>
              <dt>Commission</dt>
              <dd>{money(tx.commissionCents)}</dd>
              <dt>Escrow fee</dt>
              <dd>{money(tx.escrowFeeCents)}</dd>
              <dt>Seller payout</dt>
              <dd>{money(tx.sellerPayoutCents)}</dd>
              <dt>Refunded</dt>
              <dd data-testid="refunded">{money(tx.refundedCents)}</dd>
              <dt>Paid</dt>
              <dd>{when(tx.paidAt)}</dd>
            </dl>
          </section>
          <Party title="Buyer" p={kase.parties.buyer} />
          <Party title="Seller" p={kase.parties.seller} />
        </div>
      </div>
    </article>
  );
}
