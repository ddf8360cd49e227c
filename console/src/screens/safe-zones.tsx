import { ActiveToggle, FormProblem, useAdminForm } from '../admin-form';
import { api, problemText, unwrap } from '../api';
import { ErrorBanner, Field, Select } from '../field';
import { LoadMore, useCursorList } from '../paging';

const KINDS = ['police_station', 'library', 'mall', 'other'] as const;
const empty = {
  name: '',
  address: '',
  kind: 'library' as (typeof KINDS)[number],
  lat: '',
  lng: '',
  timezone: 'America/Toronto',
  phone: '',
};

function validateZone(f: typeof empty): Record<string, string> {
  const errs: Record<string, string> = {};
  if (!f.name.trim()) errs.name = 'Required';
  if (!f.address.trim()) errs.address = 'Required';
  const lat = Number(f.lat);
  const lng = Number(f.lng);
  if (f.lat === '' || !(lat >= -90 && lat <= 90)) errs.lat = 'Between -90 and 90';
  if (f.lng === '' || !(lng >= -180 && lng <= 180)) errs.lng = 'Between -180 and 180';
  return errs;
}

/** Safe zones: a map-free list with coordinates; add, (de)activate. */
export function SafeZones() {
  const zones = useCursorList({
    queryKey: ['zones'],
    fetchPage: async (cursor) => unwrap(await api().GET('/v1/admin/safe-zones', { params: { query: { limit: 100, cursor } } })),
  });
  const { form, set, submit, errors, create, toggle } = useAdminForm({
    empty,
    queryKey: ['zones'],
    validate: validateZone,
    create: async (f) =>
      unwrap(
        await api().POST('/v1/admin/safe-zones', {
          body: {
            name: f.name,
            address: f.address,
            kind: f.kind,
            lat: Number(f.lat),
            lng: Number(f.lng),
            timezone: f.timezone,
            // Opening hours are set by the CSV import; a zone added here lists none.
            hours: null,
            phone: f.phone || null,
            active: true,
          },
        }),
      ),
    toggle: async (z: { id: string; active: boolean }) =>
      unwrap(await api().PATCH('/v1/admin/safe-zones/{id}', { params: { path: { id: z.id } }, body: { active: !z.active } })),
  });
  return (
    <section aria-labelledby="zones-title">
      <h1 id="zones-title">Safe zones</h1>
      <form className="card grid-form" onSubmit={submit} noValidate aria-label="Add a safe zone">
        <Field label="Name" name="name" value={form.name} onChange={set('name')} error={errors.name} />
        <Field label="Address" name="address" value={form.address} onChange={set('address')} error={errors.address} />
        <Select label="Kind" value={form.kind} onChange={set('kind')} error={errors.kind}>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {k.replace('_', ' ')}
            </option>
          ))}
        </Select>
        <Field label="Latitude" name="lat" inputMode="decimal" value={form.lat} onChange={set('lat')} error={errors.lat} />
        <Field label="Longitude" name="lng" inputMode="decimal" value={form.lng} onChange={set('lng')} error={errors.lng} />
        <Field label="Time zone" name="timezone" value={form.timezone} onChange={set('timezone')} error={errors.timezone} />
        <Field label="Phone (optional)" name="phone" value={form.phone} onChange={set('phone')} error={errors.phone} />
        <button type="submit" disabled={create.isPending}>
          Add zone
        </button>
        <FormProblem error={create.error} />
      </form>
      <ErrorBanner error={zones.query.error ? problemText(zones.query.error) : toggle.error ? problemText(toggle.error) : null} />
      <table className="grid">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Kind</th>
            <th scope="col">Address</th>
            <th scope="col">Coordinates</th>
            <th scope="col">Open now</th>
            <th scope="col">Active</th>
          </tr>
        </thead>
        <tbody>
          {zones.items?.map((z) => (
            <tr key={z.id} className={z.active ? undefined : 'muted'}>
              <td>{z.name}</td>
              <td>{z.kind.replace('_', ' ')}</td>
              <td>{z.address}</td>
              <td>
                {z.lat.toFixed(4)}, {z.lng.toFixed(4)}
              </td>
              <td>{z.openNow === null ? '—' : z.openNow ? 'yes' : 'no'}</td>
              <td>
                <ActiveToggle active={z.active} name={z.name} onToggle={() => toggle.mutate(z)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <LoadMore query={zones.query} />
    </section>
  );
}
