/**
 * Fan-out benchmark (not part of `npm test`): `npx tsx bench/fanout/run.ts [--only 1k,5k,idle]
 * [--duration 20] [--warmup 3] [--client-procs 2] [--client raw|socket.io-client] [--server compiled|tsx] [--quiet-wait 120]`.
 *
 * One realtime server process (the production `startRealtime`, run as plain JS), load clients in
 * separate processes (WebSocket connections spread over 127.0.0.1–4 source addresses, each a distinct
 * signed-in user that `subscribe`s to the listing through the real handshake and handler), and a
 * publisher that emits `bid_placed` to the listing room through the Redis emitter — exactly how the
 * outbox relay delivers a committed bid — stamping its wall-clock time in the payload. Latency =
 * client receive time − stamp (same host clock); it starts at the relay's publish, so it excludes the
 * bid decision itself (the bid-path benchmark covers that). Everything runs on loopback against its
 * own redis-server and a throw-away PostgreSQL database; each scenario is bounded in time, the whole
 * run by OVERALL_LIMIT_MS. The host may be shared: traffic scenarios first wait (bounded) for a quiet
 * moment and report how busy the host was during the measurement.
 */
import { cpus, loadavg } from 'node:os';
import { Emitter } from '@socket.io/redis-emitter';
import { loadConfig } from '../../src/config/config';
import { startRedisServer, type LocalService } from '../../src/dev/local-services';
import { createRedis } from '../../src/shared/redis';
import { socketKey } from '../../src/shared/socket-key';
import { Histogram, preciseNow } from './histogram';
import {
  busyPct,
  children,
  compileServer,
  hostCpu,
  nextMessage,
  prepareDatabase,
  resolvePostgres,
  say,
  sleep,
  spawnChild,
  stopChild,
  waitForQuietHost,
  type ClientStats,
  type ServerStats,
} from './infra';

interface Scenario {
  name: string;
  watchers: number;
  bidsPerSec: number;
  targetP99Ms?: number;
  targetRssMb?: number;
}

const SCENARIOS: Scenario[] = [
  { name: '1k', watchers: 1000, bidsPerSec: 20, targetP99Ms: 50 },
  { name: '5k', watchers: 5000, bidsPerSec: 10, targetP99Ms: 250 },
  { name: 'idle', watchers: 10000, bidsPerSec: 0, targetRssMb: 300 },
];
const LOCAL_ADDRESSES = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'];
const OVERALL_LIMIT_MS = 15 * 60_000;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const only = arg('only', SCENARIOS.map((s) => s.name).join(',')).split(',');
const durationSec = Number(arg('duration', '20'));
const warmupSec = Number(arg('warmup', '3'));
const clientProcs = Number(arg('client-procs', '2'));
const clientKind = arg('client', 'raw') as 'raw' | 'socket.io-client';
const quietWaitSec = Number(arg('quiet-wait', '120'));
const serverKind = arg('server', 'compiled') as 'compiled' | 'tsx';

/** A payload shaped like the relay's `bid_placed`, plus the publisher's stamp. */
function bidPlaced(listingId: string, seq: number) {
  const price = 500 + seq * 50;
  return {
    listingId,
    bid: {
      id: '9b2f6a52-4a36-4d0c-9a55-1f0f5d1c0000',
      listingId,
      alias: `b***${seq % 9}`,
      amountCents: price,
      isAutoBid: false,
      status: 'active',
      createdAt: new Date().toISOString(),
    },
    currentPriceCents: price,
    bidCount: seq,
    endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    leaderAlias: `b***${seq % 9}`,
    reserveMet: true,
    seq,
    sentAt: preciseNow(),
  };
}

async function runScenario(
  s: Scenario,
  serverEntry: string,
  serverEnv: NodeJS.ProcessEnv,
  listingId: string,
  redisUrl: string,
  prefix: string,
) {
  const profile = process.env.FANOUT_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.FANOUT_CPU_PROF}`] : [];
  const server = spawnChild(serverEntry, serverEnv, ['--expose-gc', ...profile]);
  const { port } = await nextMessage<{ port: number }>(server, 'ready');
  server.send({ type: 'stats' });
  const baseline = await nextMessage<ServerStats>(server, 'stats');
  const config = loadConfig(serverEnv);
  const jwt = { secret: config.auth.jwtSecret, issuer: config.auth.issuer, audience: config.auth.audience };
  const procs = Array.from({ length: Math.min(clientProcs, s.watchers) }, () =>
    spawnChild('clients.ts', { ...process.env, NODE_ENV: 'development' }),
  );
  const t0 = Date.now();
  const readies = procs.map((p) => nextMessage<{ connected: number; failures: number }>(p, 'ready', 300_000));
  procs.forEach((p, i) => {
    const count = Math.floor(s.watchers / procs.length) + (i < s.watchers % procs.length ? 1 : 0);
    p.send({ type: 'start', port, count, listingId, client: clientKind, jwt, localAddresses: LOCAL_ADDRESSES, concurrency: 50 });
  });
  const ready = await Promise.all(readies);
  const connected = ready.reduce((n, r) => n + r.connected, 0);
  const failures = ready.reduce((n, r) => n + r.failures, 0);
  say(`${s.name}: ${connected} watchers connected and subscribed in ${((Date.now() - t0) / 1000).toFixed(1)} s (${failures} failures)`);

  let result: Record<string, unknown>;
  if (s.bidsPerSec === 0) {
    await sleep(5000);
    server.send({ type: 'stats' });
    const st = await nextMessage<ServerStats>(server, 'stats');
    result = {
      connected,
      failures,
      sockets: st.sockets,
      rssMb: st.rss / 2 ** 20,
      rssAfterGcMb: st.rssAfterGc / 2 ** 20,
      heapUsedAfterGcMb: st.heapUsedAfterGc / 2 ** 20,
      baselineRssMb: baseline.rssAfterGc / 2 ** 20,
      kbPerConnection: (st.rssAfterGc - baseline.rssAfterGc) / 1024 / Math.max(1, connected),
    };
  } else {
    const idleBefore = await waitForQuietHost(quietWaitSec, 20);
    server.send({ type: 'stats' });
    const before = await nextMessage<ServerStats>(server, 'stats');
    const hostBefore = hostCpu();
    const redis = createRedis(redisUrl);
    const emitter = new Emitter(redis, { key: socketKey(prefix) });
    const total = Math.round((warmupSec + durationSec) * s.bidsPerSec);
    const warmup = Math.round(warmupSec * s.bidsPerSec);
    const period = 1000 / s.bidsPerSec;
    const start = preciseNow() + 200;
    for (const p of procs) p.send({ type: 'schedule', start, period, warmup });
    await sleep(200);
    for (let seq = 1; seq <= total; seq += 1) {
      const due = start + (seq - 1) * period;
      const wait = due - preciseNow();
      if (wait > 0) await sleep(wait);
      emitter.to(`listing:${listingId}`).emit('bid_placed', bidPlaced(listingId, seq));
    }
    await sleep(3000);
    const hostBusyPct = busyPct(hostBefore, hostCpu());
    server.send({ type: 'stats' });
    const after = await nextMessage<ServerStats>(server, 'stats');
    const stats = await Promise.all(
      procs.map((p) => {
        const m = nextMessage<ClientStats>(p, 'stats');
        p.send({ type: 'collect' });
        return m;
      }),
    );
    redis.disconnect();
    const hist = new Histogram();
    for (const st of stats) hist.merge(st.hist);
    const measuredBids = total - warmup;
    const expected = measuredBids * connected;
    result = {
      connected,
      failures,
      bids: measuredBids,
      deliveries: hist.total,
      expected,
      lost: expected - hist.total,
      p50Ms: hist.quantile(0.5),
      p90Ms: hist.quantile(0.9),
      p99Ms: hist.quantile(0.99),
      maxMs: hist.max(),
      serverCpuPct: ((after.cpuMs - before.cpuMs) / (preciseNow() - start)) * 100,
      messages: stats.reduce((n, st) => n + st.messages, 0),
      serverRssMb: after.rss / 2 ** 20,
      clientCpuPct: stats.map((st) => Math.round(st.cpuPct)),
      hostBusyBeforePct: idleBefore,
      hostBusyPct,
    };
  }
  await Promise.all(procs.map(stopChild));
  await stopChild(server);
  return result;
}

async function main(): Promise<void> {
  const killer = setTimeout(() => {
    say(`overall limit of ${OVERALL_LIMIT_MS / 60_000} min reached; stopping`);
    for (const c of children) c.kill('SIGKILL');
    process.exit(2);
  }, OVERALL_LIMIT_MS);
  const services: LocalService[] = [];
  const redis = await startRedisServer();
  services.push(redis);
  const pgUrl = await resolvePostgres(services);
  const db = await prepareDatabase(pgUrl);
  const prefix = `bench${process.pid}`;
  const serverEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    DATABASE_URL: db.url,
    DATABASE_POOL_MAX: '10',
    REDIS_URL: redis.url,
    REDIS_PREFIX: prefix,
    // Realtime makes no Stripe call, but its deps are built like the api's: configured, never reached.
    STRIPE_SECRET_KEY: 'sk_test_bench_unused',
    STRIPE_WEBHOOK_SECRET: 'whsec_bench_unused',
    STRIPE_API_BASE: 'http://127.0.0.1:9',
  };
  const serverEntry = serverKind === 'tsx' ? 'server.ts' : await compileServer();
  const env = { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, loadavg1m: loadavg()[0] };
  say(`host: ${JSON.stringify(env)}; duration ${durationSec} s (+${warmupSec} s warm-up), ${clientProcs} client processes (${clientKind})`);
  const results: Array<{ scenario: Scenario; result: Record<string, unknown> }> = [];
  try {
    for (const s of SCENARIOS.filter((x) => only.includes(x.name))) {
      const result = await runScenario(s, serverEntry, serverEnv, db.listingId, redis.url, prefix);
      say(`${s.name}: ${JSON.stringify(result)}`);
      results.push({ scenario: s, result });
    }
  } finally {
    for (const c of children) c.kill('SIGKILL');
    await db.drop().catch((err) => say(`could not drop the bench database: ${String(err)}`));
    for (const svc of services.reverse()) await svc.stop();
    clearTimeout(killer);
  }
  const fmt = (n: unknown) => (typeof n === 'number' ? (Number.isInteger(n) ? String(n) : n.toFixed(1)) : String(n));
  console.log(`\nhost: Node ${env.node}, ${env.cpus} CPU (${env.cpuModel}), load avg at start ${env.loadavg1m.toFixed(2)}\n`);
  console.log(
    '| scenario | watchers | bids/s | p50 ms | p99 ms | max ms | bids delivered / expected | frames | server CPU | host busy | server RSS | target | met |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const { scenario: s, result: r } of results) {
    if (s.bidsPerSec === 0) {
      const met = (r.rssMb as number) <= s.targetRssMb!;
      const rss = `${fmt(r.rssMb)} MB (${fmt(r.baselineRssMb)} MB before any connection; ${fmt(r.kbPerConnection)} KB/connection)`;
      console.log(
        `| ${s.name} | ${r.connected} idle | – | – | – | – | – | – | – | – | ${rss} | ≤ ${s.targetRssMb} MB | ${met ? 'yes' : 'no'} |`,
      );
    } else {
      const met = (r.p99Ms as number) <= s.targetP99Ms! && r.lost === 0;
      const cells = [
        s.name,
        r.connected,
        s.bidsPerSec,
        fmt(r.p50Ms),
        fmt(r.p99Ms),
        fmt(r.maxMs),
        `${r.deliveries}/${r.expected}`,
        r.messages,
        `${fmt(r.serverCpuPct)}%`,
        `${fmt(r.hostBusyPct)}%`,
      ];
      console.log(`| ${cells.join(' | ')} | ${fmt(r.serverRssMb)} MB | p99 ≤ ${s.targetP99Ms} ms | ${met ? 'yes' : 'no'} |`);
    }
  }
  console.log('\nframes: bid_placed frames received, warm-up included (fewer than bids × watchers when bursts were coalesced).');
  console.log('host busy: share of both CPUs busy during the measurement, this benchmark’s own processes included.');
}

main().catch((err) => {
  console.error(err);
  for (const c of children) c.kill('SIGKILL');
  process.exit(1);
});
