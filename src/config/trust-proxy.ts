import { BlockList, isIP } from 'node:net';
import express from 'express';

/** What Express's `trust proxy` setting receives: no proxy, a hop count, or the trusted addresses/CIDRs. */
export type TrustProxy = false | number | string[];

// Express's own names for address ranges (proxy-addr), accepted as list entries.
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const NO_PROXY = new Set(['', '0', 'false', 'no']);

export const TRUST_PROXY_HELP =
  'a hop count (e.g. 1 for one load balancer) or a comma-separated list of proxy addresses/CIDRs (e.g. 10.0.0.0/8,loopback); "true" would let any client choose its own IP through X-Forwarded-For';

/**
 * The widest range a list entry may name. A proxy tier lives in one network: 10.0.0.0/8 is the widest
 * private IPv4 block and a /16 is already far more than any IPv6 site owns, so anything wider is not a
 * proxy's address but a way to trust (nearly) everyone — `0.0.0.0/0`, or `0.0.0.0/1,128.0.0.0/1`, which
 * hands req.ip to whatever X-Forwarded-For a client sends (SPEC §9).
 */
const MIN_PREFIX = { 4: 8, 6: 16 } as const;
// proxy-addr matches IPv4 clients against an IPv4-mapped IPv6 range (::ffff:0:0/96 is all of IPv4), so
// such a range is held to the IPv4 floor, counted after its 96-bit ::ffff: marker.
const IPV4_MAPPED = new BlockList();
IPV4_MAPPED.addSubnet('::ffff:0:0', 96, 'ipv6');
const MAPPED_BITS = 96;

/** What is wrong with one list entry (an address, a CIDR or a named range), or undefined when nothing is. */
function entryProblem(entry: string): string | undefined {
  if (NAMED_RANGES.has(entry)) return undefined;
  const [address, prefix, extra] = entry.split('/');
  const family = isIP(address) as 0 | 4 | 6;
  if (!family || extra !== undefined || (prefix !== undefined && !/^\d{1,3}$/.test(prefix))) return `"${entry}" is not an address or CIDR`;
  const bits = prefix === undefined ? (family === 4 ? 32 : 128) : Number(prefix);
  if (bits > (family === 4 ? 32 : 128)) return `"${entry}" is not an address or CIDR`;
  const mapped = family === 6 && bits >= MAPPED_BITS && IPV4_MAPPED.check(address, 'ipv6');
  const floor = mapped ? MAPPED_BITS + MIN_PREFIX[4] : MIN_PREFIX[family];
  if (bits < floor) return `"${entry}" is wider than /${floor}, too wide to be a proxy's address range`;
  // Node and Express's proxy-addr disagree on a few spellings (`::1.2.3.4`); one Express cannot read
  // would crash `app.set('trust proxy')` at start with an error that does not name TRUST_PROXY.
  if (!expressReads(entry)) return `"${entry}" is not an address Express accepts`;
  return undefined;
}

function expressReads(entry: string): boolean {
  try {
    express().set('trust proxy', [entry]);
    return true;
  } catch {
    return false;
  }
}

/**
 * The most proxies a request may pass (CDN, load balancer, ingress…). A count beyond the real chain
 * reaches into the entries the client wrote itself, like "true" does.
 */
const MAX_HOPS = 5;

/** Parses `TRUST_PROXY`; an error string names what is wrong and the accepted forms. */
export function parseTrustProxy(raw: string | undefined): { value: TrustProxy } | { error: string } {
  const text = (raw ?? '').trim().toLowerCase();
  if (NO_PROXY.has(text)) return { value: false };
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > MAX_HOPS) return { error: `${hops} hops is more proxies than any deployment has, so a client's own X-Forwarded-For entries would be believed: at most ${MAX_HOPS}, or use ${TRUST_PROXY_HELP}` };
    return { value: hops };
  }
  if (text === 'true' || text === 'yes') return { error: `"${text}" trusts every hop: use ${TRUST_PROXY_HELP}` };
  const entries = text.split(',').map((s) => s.trim());
  const problems = entries.map(entryProblem).filter((p) => p !== undefined);
  if (problems.length) return { error: `${problems.join('; ')}: use ${TRUST_PROXY_HELP}` };
  return { value: entries };
}
