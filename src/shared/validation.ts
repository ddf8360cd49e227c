import type { z } from 'zod';
import { invalid, type FieldError } from './errors';

/** Parses `value` with `schema`; on failure throws a 400 naming every offending field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, location: 'body' | 'query' | 'params' | 'payload'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors: FieldError[] = result.error.issues.flatMap((issue) => {
    // An unknown key is reported on the object that holds it; name the key itself instead.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: [...issue.path, key].join('.'), message: 'unknown field' }));
    }
    return [{ field: issue.path.length ? issue.path.join('.') : location, message: issue.message }];
  });
  throw invalid(errors);
}
