import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createDb } from '../../db/connection';
import { migrateToLatest } from '../../db/migrate';
import { isPortOpen, startEmbeddedPostgres, startRedisServer, type LocalService } from '../../src/dev/local-services';

declare global {
  var __biddtServices: LocalService[] | undefined;
}

const say = (line: string) => process.stderr.write(`[test setup] ${line}\n`);

/** Uses PostgreSQL from DATABASE_URL or 127.0.0.1:5432, else starts an embedded one. */
async function resolvePostgres(services: LocalService[]): Promise<string> {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  const local = 'postgres://postgres@127.0.0.1:5432/postgres';
  if (await isPortOpen(5432)) {
    const client = new Client({ connectionString: local });
    try {
      await client.connect();
      await client.end();
      return local;
    } catch (err) {
      say(`PostgreSQL on 5432 refused us (${String(err)}); starting an embedded one`);
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'biddt-pg-'));
  const pg = await startEmbeddedPostgres({ dataDir: join(dir, 'data'), ephemeral: true });
  services.push(pg);
  say(`embedded PostgreSQL at ${pg.url}`);
  return pg.url;
}

/** Uses Redis from REDIS_URL or 127.0.0.1:6379, else spawns redis-server. */
async function resolveRedis(services: LocalService[]): Promise<string> {
  if (process.env.REDIS_URL) return process.env.REDIS_URL;
  if (await isPortOpen(6379)) return 'redis://127.0.0.1:6379';
  const redis = await startRedisServer();
  services.push(redis);
  say(`spawned redis-server at ${redis.url}`);
  return redis.url;
}

export const withDatabase = (url: string, database: string): string => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};

/** Once per `jest` run: find or start the services and build a migrated template database. */
export default async function globalSetup(): Promise<void> {
  const services: LocalService[] = [];
  globalThis.__biddtServices = services;
  const adminUrl = await resolvePostgres(services);
  const redisUrl = await resolveRedis(services);
  const template = `biddt_tpl_${process.pid}_${Date.now().toString(36)}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();
  const db = createDb(withDatabase(adminUrl, template), 1);
  await migrateToLatest(db);
  await db.destroy();
  process.env.TEST_PG_ADMIN_URL = adminUrl;
  process.env.TEST_PG_TEMPLATE = template;
  process.env.TEST_REDIS_URL = redisUrl;
  // Each test file writes what it exercised of the API contract here; global-teardown.ts reports it.
  process.env.TEST_CONTRACT_DIR = mkdtempSync(join(tmpdir(), 'biddt-contract-'));
}
