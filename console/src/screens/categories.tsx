import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, fieldErrors, problemText, unwrap } from '../api';
import { ErrorBanner, Field } from '../field';

const SLUG = /^[a-z0-9-]{2,40}$/;

export function Categories() {
  const queryClient = useQueryClient();
  const [form, setForm] = useState({ slug: '', name: '', parentSlug: '', sortOrder: '0' });
  const [clientErrors, setClientErrors] = useState<Record<string, string>>({});
  const list = useQuery({ queryKey: ['categories'], queryFn: async () => unwrap(await api().GET('/v1/admin/categories')) });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['categories'] });
  const create = useMutation({
    mutationFn: async () =>
      unwrap(
        await api().POST('/v1/admin/categories', {
          body: { slug: form.slug, name: form.name, parentSlug: form.parentSlug || null, sortOrder: Number(form.sortOrder) || 0 },
        }),
      ),
    onSuccess: () => {
      setForm({ slug: '', name: '', parentSlug: '', sortOrder: '0' });
      refresh();
    },
  });
  const toggle = useMutation({
    mutationFn: async (c: { slug: string; active: boolean }) =>
      unwrap(await api().PATCH('/v1/admin/categories/{slug}', { params: { path: { slug: c.slug } }, body: { active: !c.active } })),
    onSuccess: refresh,
  });
  const errors = { ...fieldErrors(create.error), ...clientErrors };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!SLUG.test(form.slug)) errs.slug = '2–40 lowercase letters, digits or dashes';
    if (form.name.trim().length < 2) errs.name = 'At least 2 characters';
    setClientErrors(errs);
    if (Object.keys(errs).length === 0) create.mutate();
  };
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  return (
    <section aria-labelledby="cat-title">
      <h1 id="cat-title">Categories</h1>
      <form className="card grid-form" onSubmit={submit} noValidate aria-label="Add a category">
        <Field label="Slug" name="slug" value={form.slug} onChange={set('slug')} error={errors.slug} />
        <Field label="Name" name="name" value={form.name} onChange={set('name')} error={errors.name} />
        <Field
          label="Parent slug (optional)"
          name="parentSlug"
          value={form.parentSlug}
          onChange={set('parentSlug')}
          error={errors.parentSlug}
        />
        <Field
          label="Sort order"
          name="sortOrder"
          inputMode="numeric"
          value={form.sortOrder}
          onChange={set('sortOrder')}
          error={errors.sortOrder}
        />
        <button type="submit" disabled={create.isPending}>
          Add category
        </button>
        {create.error && Object.keys(fieldErrors(create.error)).length === 0 && <ErrorBanner error={problemText(create.error)} />}
      </form>
      <ErrorBanner error={list.error ? problemText(list.error) : null} />
      <table className="grid">
        <thead>
          <tr>
            <th scope="col">Slug</th>
            <th scope="col">Name</th>
            <th scope="col">Parent</th>
            <th scope="col">Order</th>
            <th scope="col">Active</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.items.map((c) => (
            <tr key={c.slug} className={c.active ? undefined : 'muted'}>
              <td>{c.slug}</td>
              <td>{c.name}</td>
              <td>{c.parentSlug ?? '—'}</td>
              <td>{c.sortOrder}</td>
              <td>
                <button
                  type="button"
                  className="link"
                  onClick={() => toggle.mutate(c)}
                  aria-label={`${c.active ? 'Deactivate' : 'Reactivate'} ${c.name}`}
                >
                  {c.active ? 'Deactivate' : 'Reactivate'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
