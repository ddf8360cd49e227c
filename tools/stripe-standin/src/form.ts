/**
 * Decoding of Stripe's request encoding: `application/x-www-form-urlencoded` with bracket
 * notation (`metadata[tx]=1`, `expand[0]=latest_charge`, `expand[]=x`, `a[0][b]=c`).
 *
 * Values stay nested *objects* (array indices become keys "0", "1", …): whether `x[0]` is a
 * list or a map is only known to the endpoint reading it, so readers in params.ts decide.
 */

export type ParamValue = string | ParamObject;
export interface ParamObject {
  [key: string]: ParamValue;
}

/** Parses a form body or query string into nested params; throws URIError on bad escapes. */
export function parseForm(body: string): ParamObject {
  const root: ParamObject = {};
  for (const part of body.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawKey = eq === -1 ? part : part.slice(0, eq);
    const rawValue = eq === -1 ? '' : part.slice(eq + 1);
    assign(root, splitKey(decodeComponent(rawKey)), decodeComponent(rawValue));
  }
  return root;
}

function decodeComponent(text: string): string {
  return decodeURIComponent(text.replace(/\+/g, ' '));
}

/** `a[b][]` → ['a', 'b', ''] ; a key that is not valid bracket notation stays whole. */
function splitKey(key: string): string[] {
  const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!match) return [key];
  const nested = [...match[2].matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]);
  return [match[1], ...nested];
}

function assign(root: ParamObject, segments: string[], value: string): void {
  let node = root;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] === '' ? nextIndex(node) : segments[i];
    if (i === segments.length - 1) {
      node[segment] = value;
      return;
    }
    const child = node[segment];
    if (typeof child === 'object') {
      node = child;
    } else {
      // A scalar followed by a nested key (`a=1&a[b]=2`): the nested form wins, as in qs.
      const created: ParamObject = {};
      node[segment] = created;
      node = created;
    }
  }
}

/** `[]` appends: the next free numeric index at that level. */
function nextIndex(node: ParamObject): string {
  let index = 0;
  while (Object.prototype.hasOwnProperty.call(node, String(index))) index++;
  return String(index);
}

/** Order-independent fingerprint of params, so idempotent replays ignore field order. */
export function fingerprintParams(value: ParamValue): string {
  if (typeof value === 'string') return JSON.stringify(value);
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${fingerprintParams(value[k])}`).join(',')}}`;
}
