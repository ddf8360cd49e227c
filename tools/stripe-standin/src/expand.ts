import { invalidRequest } from './errors';
import { snapshot } from './store';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Applies Stripe's `expand[]` to a response copy: each dotted path replaces an id string by the
 * object it names (`latest_charge`, `data.source_transaction`, `latest_charge.balance_transaction`).
 */
export function applyExpand(body: unknown, paths: string[], lookup: (id: string) => unknown): unknown {
  let result = body;
  for (const path of paths) {
    const segments = path.split('.');
    if (segments.length > 4) throw invalidRequest(`You cannot expand more than 4 levels of a property (${path}).`, { param: 'expand' });
    result = expandSegments(result, segments, path, lookup);
  }
  return result;
}

function expandSegments(node: unknown, segments: string[], path: string, lookup: (id: string) => unknown): unknown {
  if (segments.length === 0 || node === null) return node;
  if (Array.isArray(node)) return node.map((item) => expandSegments(item, segments, path, lookup));
  if (!isRecord(node) || !(segments[0] in node)) {
    throw invalidRequest(`This property cannot be expanded (${path}).`, { param: 'expand' });
  }
  const [key, ...rest] = segments;
  let value = node[key];
  if (typeof value === 'string') {
    const found = lookup(value);
    if (found === undefined) {
      throw invalidRequest(`This property cannot be expanded by the Stripe stand-in (${path}).`, { param: 'expand' });
    }
    value = snapshot(found);
  }
  return { ...node, [key]: expandSegments(value, rest, path, lookup) };
}
