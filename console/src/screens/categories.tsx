import { useQuery } from '@tanstack/react-query';
import { ActiveToggle, FormProblem, useAdminForm } from '../admin-form';
import { api, problemText, unwrap } from '../api';
import { ErrorBanner, Field } from '../field';

const SLUG = /^[a-z0-9-]{2,40}$/;

export function Categories() {
  const list = useQuery({ queryKey: ['categories'], queryFn: async () => unwrap(await api().GET('/v1/admin/categories')) });
  const { form, set, submit, errors, create, toggle } = useAdminForm({
    empty: { slug: '', name: '', parentSlug: '', sortOrder: '0' },
    queryKey: ['categories'],
    validate: (f) => ({
      ...(SLUG.test(f.slug) ? {} : { slug: '2–40 lowercase letters, digits or dashes' }),
      ...(f.name.trim().length < 2 ? { name: 'At least 2 characters' } : {}),
    }),
    create: async (f) =>
      unwrap(
        await api().POST('/v1/admin/categories', {
          body: { slug: f.slug, name: f.name, parentSlug: f.parentSlug || null, sortOrder: Number(f.sortOrder) || 0 },
        }),
      ),
    toggle: async (c: { slug: string; active: boolean }) =>
      unwrap(await api().PATCH('/v1/admin/categories/{slug}', { params: { path: { slug: c.slug } }, body: { active: !c.active } })),
  });
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
        <FormProblem error={create.error} />
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
                <ActiveToggle active={c.active} name={c.name} onToggle={() => toggle.mutate(c)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
