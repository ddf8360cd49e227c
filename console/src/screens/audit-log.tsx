import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, problemText, unwrap, when } from '../api';
import { ErrorBanner, Field } from '../field';

const blank = { action: '', targetType: '', targetId: '', actorId: '' };

export function AuditLog() {
  // Other screens link here filtered on one target (e.g. a money job's transaction).
  const [params] = useSearchParams();
  const initial = { ...blank, targetId: params.get('targetId') ?? '' };
  const [draft, setDraft] = useState(initial);
  const [filter, setFilter] = useState(initial);
  const [cursor, setCursor] = useState<string | undefined>();
  const q = useQuery({
    queryKey: ['audit', filter, cursor],
    queryFn: async () => {
      const page = unwrap(
        await api().GET('/v1/admin/audit-log', {
          params: {
            query: {
              action: filter.action || undefined,
              targetType: filter.targetType || undefined,
              targetId: filter.targetId || undefined,
              actorId: filter.actorId || undefined,
              limit: 50,
              cursor,
            },
          },
        }),
      );
      // The route answers text/csv only for `format=csv` (the download link); this JSON query never asks for it.
      if (typeof page === 'string') throw new Error('The audit log answered CSV to a JSON query.');
      return page;
    },
  });
  const set = (k: keyof typeof blank) => (e: { target: { value: string } }) => setDraft({ ...draft, [k]: e.target.value.trim() });
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setCursor(undefined);
          setFilter(draft);
        }}
      >
        <Field label="Action" name="action" value={draft.action} onChange={set('action')} placeholder="dispute.resolved" />
        <Field label="Target type" name="targetType" value={draft.targetType} onChange={set('targetType')} placeholder="dispute" />
        <Field label="Target id" name="targetId" value={draft.targetId} onChange={set('targetId')} />
        <Field label="Actor id" name="actorId" value={draft.actorId} onChange={set('actorId')} />
        <button type="submit">Filter</button>
      </form>
      <ErrorBanner error={q.error ? problemText(q.error) : null} />
      <table className="grid">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {q.data?.items.map((e) => (
            <tr key={e.id}>
              <td>{when(e.createdAt)}</td>
              <td>{e.actorName ?? e.actorId ?? (e.details as { operator?: string }).operator ?? 'system'}</td>
              <td>{e.action}</td>
              <td>
                {e.targetType} <code>{e.targetId.slice(0, 8)}</code>
              </td>
              <td>
                <code className="data">{JSON.stringify(e.details)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {q.data?.nextCursor && (
        <button type="button" onClick={() => setCursor(q.data.nextCursor ?? undefined)}>
          Older entries
        </button>
      )}
    </section>
  );
}
