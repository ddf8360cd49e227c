import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, fieldErrors, money, problemText, unwrap, when } from '../api';
import { ErrorBanner, Field } from '../field';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Takedown: find a listing by id, see it, cancel it with a reason (seller, bidders and watchers are told). */
export function Listings() {
  const [params, setParams] = useSearchParams();
  const id = params.get('id') ?? '';
  const [input, setInput] = useState(id);
  const [reason, setReason] = useState('');
  const [clientErrors, setClientErrors] = useState<Record<string, string>>({});
  const listing = useQuery({
    queryKey: ['listing', id],
    enabled: UUID.test(id),
    queryFn: async () => unwrap(await api().GET('/v1/listings/{id}', { params: { path: { id } } })),
  });
  const takedown = useMutation({
    mutationFn: async () => unwrap(await api().POST('/v1/admin/listings/{id}/cancel', { params: { path: { id } }, body: { reason } })),
    onSuccess: () => void listing.refetch(),
  });
  const errors = { ...fieldErrors(takedown.error), ...clientErrors };
  return (
    <section aria-labelledby="listings-title">
      <h1 id="listings-title">Listing takedown</h1>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          if (!UUID.test(input.trim())) return setClientErrors({ id: 'Paste a listing id (a UUID)' });
          setClientErrors({});
          takedown.reset();
          setParams({ id: input.trim() });
        }}
      >
        <Field label="Listing id" name="id" value={input} onChange={(e) => setInput(e.target.value)} error={errors.id} />
        <button type="submit">Find</button>
      </form>
      <ErrorBanner error={listing.error ? problemText(listing.error) : null} />
      {listing.data && (
        <div className="card">
          <h2>{listing.data.title}</h2>
          <dl className="facts">
            <dt>Status</dt>
            <dd data-testid="listing-status">{listing.data.status}</dd>
            <dt>Price</dt>
            <dd>{money(listing.data.currentPriceCents)}</dd>
            <dt>Bids</dt>
            <dd>{listing.data.bidCount}</dd>
            <dt>Watchers</dt>
            <dd>{listing.data.watchCount}</dd>
            <dt>Ends</dt>
            <dd>{when(listing.data.endsAt)}</dd>
          </dl>
          {takedown.data ? (
            <p className="banner ok" role="status">
              Taken down. Told {takedown.data.notified.bidders} bidder(s) and {takedown.data.notified.watchers} watcher(s).
            </p>
          ) : (
            <form
              className="stack"
              onSubmit={(e) => {
                e.preventDefault();
                if (reason.trim().length < 3) return setClientErrors({ reason: 'Say why (at least 3 characters); the seller sees it' });
                setClientErrors({});
                takedown.mutate();
              }}
            >
              <Field
                label="Reason for the takedown"
                name="reason"
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                error={errors.reason}
              />
              {takedown.error && !errors.reason && <ErrorBanner error={problemText(takedown.error)} />}
              <button type="submit" className="danger" disabled={takedown.isPending}>
                Take down
              </button>
            </form>
          )}
        </div>
      )}
    </section>
  );
}
