import { invalidRequest, parameterInvalid, parameterMissing } from './errors';
import type { ParamObject, ParamValue } from './form';

export type Metadata = Record<string, string>;

/**
 * Typed access to one request's params. Unknown top-level params are rejected up front, as
 * Stripe does: code that passes a misspelt or unsupported field here must not "work" only
 * against the stand-in.
 */
export class ParamReader {
  constructor(
    readonly raw: ParamObject,
    allowed: readonly string[],
  ) {
    for (const key of Object.keys(raw)) {
      if (key === 'expand' || allowed.includes(key)) continue;
      throw invalidRequest(`Received unknown parameter: ${key}`, { code: 'parameter_unknown', param: key });
    }
  }

  has(name: string): boolean {
    return this.raw[name] !== undefined;
  }

  string(name: string): string | undefined {
    const value = this.raw[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw parameterInvalid(name, `Invalid string: ${name} must be a string.`);
    return value;
  }

  requiredString(name: string): string {
    const value = this.string(name);
    if (value === undefined) throw parameterMissing(name);
    if (value === '') throw emptyValue(name);
    return value;
  }

  integer(name: string, opts: { min?: number } = {}): number | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    if (!/^-?\d+$/.test(text)) throw parameterInvalid(name, `Invalid integer: ${text}`, 'parameter_invalid_integer');
    const value = Number(text);
    if (!Number.isSafeInteger(value)) throw parameterInvalid(name, `Invalid integer: ${text}`, 'parameter_invalid_integer');
    if (opts.min !== undefined && value < opts.min) {
      throw parameterInvalid(name, `This value must be greater than or equal to ${opts.min}.`, 'parameter_invalid_integer');
    }
    return value;
  }

  requiredInteger(name: string, opts: { min?: number } = {}): number {
    const value = this.integer(name, opts);
    if (value === undefined) throw parameterMissing(name);
    return value;
  }

  boolean(name: string): boolean | undefined {
    return readBoolean(this.raw[name], name);
  }

  enumValue<T extends string>(name: string, values: readonly T[]): T | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const found = values.find((v) => v === value);
    if (found === undefined) {
      throw parameterInvalid(name, `Invalid ${name}: must be one of ${values.join(', ')}`, 'parameter_invalid_string');
    }
    return found;
  }

  object(name: string): ParamObject | undefined {
    const value = this.raw[name];
    if (value === undefined || value === '') return undefined;
    if (typeof value === 'string') throw parameterInvalid(name, `Invalid object: ${name} must be a hash.`);
    return value;
  }

  stringList(name: string): string[] | undefined {
    return readStringList(this.raw[name], name);
  }

  /** ISO currency, lower-cased as Stripe stores it. */
  currency(name = 'currency'): string {
    const value = this.requiredString(name).toLowerCase();
    if (!/^[a-z]{3}$/.test(value)) throw parameterInvalid(name, `Invalid currency: ${value}.`, 'parameter_invalid_string');
    return value;
  }

  /** `metadata` as sent: undefined when absent, `null` when cleared with `metadata=`. */
  metadata(): Metadata | null | undefined {
    const value = this.raw.metadata;
    if (value === undefined) return undefined;
    if (value === '') return null;
    if (typeof value === 'string') throw parameterInvalid('metadata', 'Invalid hash: metadata must be a hash.');
    return validateMetadata(value);
  }
}

function emptyValue(name: string): Error {
  return invalidRequest(
    `You passed an empty string for '${name}'. We assume empty values are an attempt to unset a parameter; however '${name}' cannot be unset. You should remove '${name}' from your request or supply a non-empty value.`,
    { code: 'parameter_invalid_empty', param: name },
  );
}

export function readBoolean(value: ParamValue | undefined, name: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw invalidRequest(`Invalid boolean: ${typeof value === 'string' ? value : '[object]'}`, { param: name });
}

/** `x[0]=a&x[1]=b` (SDK) or `x[]=a` (curl) → ['a', 'b']. */
export function readStringList(value: ParamValue | undefined, name: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (value === '') return [];
  if (typeof value === 'string') throw parameterInvalid(name, `Invalid array: ${name} must be an array.`);
  const keys = Object.keys(value);
  if (!keys.every((k) => /^\d+$/.test(k))) throw parameterInvalid(name, `Invalid array: ${name} must be an array.`);
  return keys
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => {
      const item = value[k];
      if (typeof item !== 'string') throw parameterInvalid(`${name}[${k}]`, `Invalid string: ${name}[${k}]`);
      return item;
    });
}

function validateMetadata(value: ParamObject): Metadata {
  const out: Metadata = {};
  const keys = Object.keys(value);
  if (keys.length > 50) throw parameterInvalid('metadata', 'Invalid metadata: metadata cannot have more than 50 keys.');
  for (const key of keys) {
    const item = value[key];
    if (typeof item !== 'string') throw parameterInvalid(`metadata[${key}]`, `Invalid metadata: values must be strings.`);
    if (key.length > 40) throw parameterInvalid(`metadata[${key}]`, 'Invalid metadata: keys can be at most 40 characters.');
    if (item.length > 500) throw parameterInvalid(`metadata[${key}]`, 'Invalid metadata: values can be at most 500 characters.');
    out[key] = item;
  }
  return out;
}

/** Applies a metadata update the Stripe way: `''` deletes a key, `metadata=` clears all. */
export function mergeMetadata(current: Metadata, update: Metadata | null | undefined): Metadata {
  if (update === undefined) return current;
  if (update === null) return {};
  const next: Metadata = { ...current };
  for (const [key, value] of Object.entries(update)) {
    if (value === '') delete next[key];
    else next[key] = value;
  }
  return next;
}

/** Metadata on create: empty values simply are not stored. */
export function createMetadata(update: Metadata | null | undefined): Metadata {
  return mergeMetadata({}, update);
}
