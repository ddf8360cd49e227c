import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, fieldErrors, money, problemText, unwrap, when } from '../api';
import { useAuth } from '../auth';
import { ErrorBanner, Field } from '../field';

export function Users() {
  const [input, setInput] = useState('');
  const [q, setQ] = useState('');
  const [cursor, setCursor] = useState<string | undefined>();
  const res = useQuery({
    queryKey: ['users', q, cursor],
    queryFn: async () => unwrap(await api().GET('/v1/admin/users', { params: { query: { q, limit: 25, cursor } } })),
  });
  return (
    <section aria-labelledby="users-title">
      <h1 id="users-title">Users</h1>
      <form
        className="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setCursor(undefined);
          setQ(input.trim());
        }}
      >
        <Field label="Phone prefix or name" name="q" value={input} onChange={(e) => setInput(e.target.value)} placeholder="+1555… or Ada" />
        <button type="submit">Search</button>
      </form>
      <ErrorBanner error={res.error ? problemText(res.error) : null} />
      <table className="grid">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Phone</th>
            <th scope="col">Role</th>
            <th scope="col">Joined</th>
            <th scope="col">Standing</th>
          </tr>
        </thead>
        <tbody>
          {res.data?.items.map((u) => (
            <tr key={u.id}>
              <td>
                <Link to={`/users/${u.id}`}>{u.displayName ?? '(no name)'}</Link>
              </td>
              <td>{u.phoneNumber}</td>
              <td>{u.role}</td>
              <td>{new Date(u.createdAt).toLocaleDateString()}</td>
              <td>{u.deleted ? 'deleted' : u.suspended ? <span className="tag breach">suspended</span> : 'active'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {res.data?.nextCursor && (
        <button type="button" onClick={() => setCursor(res.data.nextCursor ?? undefined)}>
          Next page
        </button>
      )}
    </section>
  );
}

export function UserProfile() {
  const { id = '' } = useParams();
  const { me } = useAuth();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const [clientError, setClientError] = useState<string | undefined>();
  const q = useQuery({
    queryKey: ['user', id],
    queryFn: async () => unwrap(await api().GET('/v1/admin/users/{id}', { params: { path: { id } } })),
  });
  const suspend = useMutation({
    mutationFn: async (on: boolean) =>
      unwrap(
        on
          ? await api().POST('/v1/admin/users/{id}/suspend', { params: { path: { id } }, body: { reason } })
          : await api().POST('/v1/admin/users/{id}/unsuspend', { params: { path: { id } }, body: reason ? { reason } : {} }),
      ),
    onSuccess: (user) => {
      setReason('');
      queryClient.setQueryData(['user', id], user);
    },
  });
  if (q.isPending) return <p role="status">Loading…</p>;
  if (q.error) return <ErrorBanner error={problemText(q.error)} />;
  const u = q.data;
  const errors = fieldErrors(suspend.error);
  const act = (on: boolean) => {
    if (on && reason.trim().length < 3) return setClientError('Say why (at least 3 characters)');
    setClientError(undefined);
    suspend.mutate(on);
  };
  return (
    <article aria-labelledby="user-title">
      <p>
        <Link to="/users">← Users</Link>
      </p>
      <h1 id="user-title">
        {u.displayName ?? '(no name)'} {u.suspension && <span className="tag breach">suspended</span>}
      </h1>
      <div className="columns">
        <section className="card">
          <dl className="facts">
            <dt>Phone</dt>
            <dd>{u.phoneNumber}</dd>
            <dt>Role</dt>
            <dd>{u.role}</dd>
            <dt>Member since</dt>
            <dd>{when(u.createdAt)}</dd>
            <dt>Rating</dt>
            <dd>{u.ratingAverage === null ? 'none yet' : `${u.ratingAverage} ★ (${u.ratingCount})`}</dd>
            <dt>Strikes</dt>
            <dd>{u.nonPaymentStrikes}</dd>
            <dt>Sales</dt>
            <dd>
              bought {u.transactions.asBuyer} · sold {u.transactions.asSeller}
            </dd>
            {u.suspension && (
              <>
                <dt>Suspended</dt>
                <dd>
                  {when(u.suspension.since)}: {u.suspension.reason}
                </dd>
              </>
            )}
          </dl>
        </section>
        {me?.role === 'admin' && (
          <section className="card" aria-labelledby="standing-title">
            <h2 id="standing-title">{u.suspension ? 'Lift the suspension' : 'Suspend'}</h2>
            <Field
              label="Reason"
              name="reason"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              error={clientError ?? errors.reason}
            />
            {suspend.error && !errors.reason && <ErrorBanner error={problemText(suspend.error)} />}
            {u.suspension ? (
              <button type="button" onClick={() => act(false)} disabled={suspend.isPending}>
                Unsuspend
              </button>
            ) : (
              <button type="button" className="danger" onClick={() => act(true)} disabled={suspend.isPending}>
                Suspend
              </button>
            )}
          </section>
        )}
      </div>
      <h2>Latest listings</h2>
      <table className="grid">
        <thead>
          <tr>
            <th scope="col">Title</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Price
            </th>
            <th scope="col">Bids</th>
            <th scope="col">Ends</th>
          </tr>
        </thead>
        <tbody>
          {u.recentListings.map((l) => (
            <tr key={l.id}>
              <td>
                <Link to={`/listings?id=${l.id}`}>{l.title}</Link>
              </td>
              <td>{l.deleted ? 'deleted' : l.status}</td>
              <td className="num">{money(l.currentPriceCents)}</td>
              <td>{l.bidCount}</td>
              <td>{when(l.endsAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Latest transactions</h2>
      <table className="grid">
        <thead>
          <tr>
            <th scope="col">Listing</th>
            <th scope="col">As</th>
            <th scope="col" className="num">
              Amount
            </th>
            <th scope="col">Status</th>
            <th scope="col">Date</th>
          </tr>
        </thead>
        <tbody>
          {u.recentTransactions.map((t) => (
            <tr key={t.id}>
              <td>{t.listingTitle}</td>
              <td>{t.role}</td>
              <td className="num">{money(t.amountCents)}</td>
              <td>{t.status}</td>
              <td>{when(t.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </article>
  );
}
