import type { z } from 'zod';
import { invalid, type FieldError } from '../shared/errors';

/** Parses `value` with `schema`; on failure throws a 400 naming every offending field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, location: 'body' | 'query' | 'params' | 'payload'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors: FieldError[] = result.error.issues.map((issue) => ({
    field: issue.path.length ? issue.path.join('.') : location,
    message: issue.message,
  }));
  throw invalid(errors);
}
