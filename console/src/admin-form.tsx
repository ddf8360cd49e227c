import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { fieldErrors, problemText } from './api';
import { ErrorBanner } from './field';

type Errors = Record<string, string>;

interface AdminFormOptions<F extends Record<string, string>, Row> {
  /** The blank form, shown again after a record is added. */
  empty: F;
  /** The query the form's list is under: refreshed after an add or an (de)activation. */
  queryKey: readonly unknown[];
  /** Client-side checks, by field; nothing is sent while any fails. */
  validate: (form: F) => Errors;
  /** Sends the form (the typed client call, unwrapped). */
  create: (form: F) => Promise<unknown>;
  /** Flips a row's `active` flag. */
  toggle: (row: Row) => Promise<unknown>;
}

/**
 * The "add a record, (de)activate a row" form the staff lists share: field state, client checks
 * first, then the server's `errors[]` under the same fields, and the list refreshed after a change.
 */
export function useAdminForm<F extends Record<string, string>, Row>(opts: AdminFormOptions<F, Row>) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState(opts.empty);
  const [clientErrors, setClientErrors] = useState<Errors>({});
  const refresh = () => void queryClient.invalidateQueries({ queryKey: opts.queryKey });
  const create = useMutation({
    mutationFn: () => opts.create(form),
    onSuccess: () => {
      setForm(opts.empty);
      refresh();
    },
  });
  const toggle = useMutation({ mutationFn: opts.toggle, onSuccess: refresh });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errs = opts.validate(form);
    setClientErrors(errs);
    if (Object.keys(errs).length === 0) create.mutate();
  };
  const set = (k: keyof F) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  // Client checks win over a stale server answer for the same field.
  const errors: Errors = { ...fieldErrors(create.error), ...clientErrors };
  return { form, set, submit, errors, create, toggle };
}

/** A refusal that names no field (the fields show their own), under the form. */
export function FormProblem({ error }: { error: unknown }) {
  if (!error || Object.keys(fieldErrors(error)).length > 0) return null;
  return <ErrorBanner error={problemText(error)} />;
}

/** The Deactivate / Reactivate link of a row. */
export function ActiveToggle({ active, name, onToggle }: { active: boolean; name: string; onToggle: () => void }) {
  const verb = active ? 'Deactivate' : 'Reactivate';
  return (
    <button type="button" className="link" onClick={onToggle} aria-label={`${verb} ${name}`}>
      {verb}
    </button>
  );
}
