/**
 * One line per `bench/bids/path.ts` result: reads the JSON line the benchmark prints (stdin) and
 * prints the figures to compare across runs (bench/bids/ab.sh pipes every run through it).
 */
import { readFileSync } from 'node:fs';

const lines = readFileSync(0, 'utf8').trim().split('\n');
const d = JSON.parse(lines[lines.length - 1]);
const w = d.workPerDecidedBid ?? {};
const f = d.fanout;
const parts = [
  `${d.label.padStart(12)} ${d.scenario.padStart(8)}`,
  `decided/s ${d.decidedPerSec} (accepted ${d.acceptedPerSec ?? '-'})`,
  `answer p50 ${d.answerMs.p50} p99 ${d.answerMs.p99} ms`,
  `cpu/bid ${d.cpuMsPerDecidedBid} ms (api ${d.cpuMsPerDecidedBidByProcess?.api ?? '-'}, generator ${d.generatorCpuMsPerDecidedBid ?? '-'})`,
  `redis cmds/bid ${w.redisCommandsTotal ?? '-'}`,
  `commits/bid ${w.commits ?? '-'}`,
  f ? `watcher p50 ${f.bidToWatcherMs.p50} p99 ${f.bidToWatcherMs.p99} ms, delivered ${f.delivered}/${f.expected}, coalesced ${f.coalescedFrames}` : '',
  `errors ${d.errors}`,
  d.invalid ? `INVALID ${d.invalid} (not counted as decided)` : '',
  d.listingsUsed > 1 && d.scenario === 'capacity' ? `listings ${d.listingsUsed} in turn` : '',
  `load ${Number(d.hostLoad1).toFixed(1)}`,
  d.hostSpeed ? `host js ${d.hostSpeed.jsMs} ms, pg ${d.hostSpeed.pgCpuMs} ms` : '',
];
console.log(parts.filter(Boolean).join(' | '));
