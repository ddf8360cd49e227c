import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { LocalServiceError } from './service-error';

/** The unprivileged account PostgreSQL runs as when we are root (it refuses to run as root). */
export interface Account {
  uid: number;
  gid: number;
  groups: number[];
}

const PG_USER = 'postgres';

function idOf(flag: string): string | undefined {
  const out = spawnSync('id', [flag, PG_USER], { encoding: 'utf8' });
  return out.status === 0 ? out.stdout.trim() : undefined;
}

function lookup(): Account | undefined {
  const [uid, gid, groups] = [idOf('-u'), idOf('-g'), idOf('-G')];
  if (!uid || !gid) return undefined;
  return { uid: Number(uid), gid: Number(gid), groups: (groups ?? gid).split(/\s+/).map(Number) };
}

/** undefined when not root (PostgreSQL runs as us); else the `postgres` account, created if missing. */
export function postgresAccount(): Account | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const found = lookup();
  if (found) return found;
  spawnSync('groupadd', ['--system', PG_USER], { stdio: 'ignore' });
  spawnSync('useradd', ['--system', '-g', PG_USER, '-M', '-s', '/bin/false', PG_USER], { stdio: 'ignore' });
  const created = lookup();
  if (created) return created;
  throw new LocalServiceError(
    `embedded PostgreSQL: running as root, no "${PG_USER}" user exists and useradd could not create one — create it (useradd ${PG_USER}), run as a non-root user, or set DATABASE_URL`,
  );
}

/** Whether `who` may search (x) directory `dir`, from its mode and owner (ACLs aside). */
function canSearch(dir: string, who: Account): boolean {
  const st = statSync(dir);
  if (st.uid === who.uid) return (st.mode & 0o100) !== 0;
  if (who.groups.includes(st.gid)) return (st.mode & 0o010) !== 0;
  return (st.mode & 0o001) !== 0;
}

/** Whether `who` can reach `path`: every existing directory from `/` down to it is searchable. */
export function canReach(path: string, who: Account): boolean {
  const chain: string[] = [];
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    if (existsSync(dir)) chain.push(dir);
    if (dirname(dir) === dir) break;
  }
  return chain.every((dir) => canSearch(dir, who));
}

/** mkdir -p where every level created gets 0755 whatever the umask, so `postgres` can pass through. */
export function mkdirReachable(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); !existsSync(d); d = dirname(d)) missing.unshift(d);
  mkdirSync(dir, { recursive: true });
  for (const d of missing) chmodSync(d, 0o755);
}

/**
 * A directory of ours the `postgres` user can reach, stable for `key` (the same checkout gets the
 * same one between runs). Refuses one another user planted or can write into: root runs what is in it.
 */
export function reachableDir(key: string, who: Account): string {
  const name = `biddt-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
  for (const base of [tmpdir(), '/tmp', '/var/tmp']) {
    const dir = join(base, name);
    if (!existsSync(base) || !canReach(base, who)) continue;
    mkdirReachable(dir);
    const st = lstatSync(dir);
    if (!st.isDirectory() || st.uid !== process.getuid?.() || (st.mode & 0o022) !== 0) {
      throw new LocalServiceError(`embedded PostgreSQL: ${dir} exists but is not a private directory of ours — remove it and start again`);
    }
    chmodSync(dir, 0o755);
    return dir;
  }
  throw new LocalServiceError(
    `embedded PostgreSQL: the "${PG_USER}" user cannot reach ${tmpdir()}, /tmp or /var/tmp — set TMPDIR to a directory with 0755 parents, or set DATABASE_URL`,
  );
}
