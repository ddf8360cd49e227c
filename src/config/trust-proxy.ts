import { isIP } from 'node:net';

/** What Express's `trust proxy` setting receives: no proxy, a hop count, or the trusted addresses/CIDRs. */
export type TrustProxy = false | number | string[];

// Express's own names for address ranges (proxy-addr), accepted as list entries.
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const NO_PROXY = new Set(['', '0', 'false', 'no']);

export const TRUST_PROXY_HELP =
  'a hop count (e.g. 1 for one load balancer) or a comma-separated list of proxy addresses/CIDRs (e.g. 10.0.0.0/8,loopback); "true" would let any client choose its own IP through X-Forwarded-For';

/** Whether `entry` is an IPv4/IPv6 address, optionally with a prefix length, or a named range. */
function isAddressOrCidr(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true;
  const [address, prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (!family || extra !== undefined) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/** Parses `TRUST_PROXY`; an error string names what is wrong and the accepted forms. */
export function parseTrustProxy(raw: string | undefined): { value: TrustProxy } | { error: string } {
  const text = (raw ?? '').trim().toLowerCase();
  if (NO_PROXY.has(text)) return { value: false };
  if (/^\d+$/.test(text)) return { value: Number(text) };
  if (text === 'true' || text === 'yes') return { error: `"${text}" trusts every hop: use ${TRUST_PROXY_HELP}` };
  const entries = text.split(',').map((s) => s.trim());
  const bad = entries.filter((e) => !isAddressOrCidr(e));
  if (bad.length) return { error: `${bad.map((b) => `"${b}"`).join(', ')} not an address or CIDR: use ${TRUST_PROXY_HELP}` };
  return { value: entries };
}
