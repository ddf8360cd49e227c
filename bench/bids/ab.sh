#!/usr/bin/env bash
# Interleaved A/B of the bid-path benchmark: `bash bench/bids/ab.sh <baseline-checkout> [scenario…]`.
# Runs each scenario baseline, new, baseline, new (BENCH_ROUNDS pairs, default 2) with the same load
# generator (this checkout's bench/), so a change in the host's load hits both sides alike. Results
# land in bench/results/path-<scenario>-<side>-<round>.json; a summary line per run is printed.
# Prepare the baseline once: git worktree add --detach /tmp/perf-base <commit> && ln -s "$PWD/node_modules" /tmp/perf-base/node_modules
set -euo pipefail
base="${1:?usage: bench/bids/ab.sh <baseline-checkout> [idle|hot|capacity|multi …]}"
shift
scenarios=("${@:-idle capacity multi}")
read -r -a scenarios <<< "${scenarios[*]}"
rounds="${BENCH_ROUNDS:-2}"
summary='import json,sys
d=json.loads(sys.stdin.read().strip().splitlines()[-1])
f=d.get("fanout") or {}
w=d.get("workPerDecidedBid") or {}
print(f"{d[\"label\"]:>12} {d[\"scenario\"]:>8} decided/s {d[\"decidedPerSec\"]:>7} answer p50 {d[\"answerMs\"][\"p50\"]:>7} p99 {d[\"answerMs\"][\"p99\"]:>7} "
      f"cpu/bid {d[\"cpuMsPerDecidedBid\"]:>6} redis cmds/bid {w.get(\"redisCommandsTotal\",\"-\")} commits/bid {w.get(\"commits\",\"-\")} "
      f"watcher p99 {(f.get(\"bidToWatcherMs\") or {}).get(\"p99\",\"-\")} delivered {f.get(\"delivered\",\"-\")}/{f.get(\"expected\",\"-\")} load {d[\"hostLoad1\"]:.1f}")'
for scenario in "${scenarios[@]}"; do
  for round in $(seq 1 "$rounds"); do
    BENCH_APP_DIR="$base" BENCH_LABEL="baseline-$round" npx tsx bench/bids/path.ts "$scenario" | python3 -c "$summary"
    BENCH_LABEL="new-$round" npx tsx bench/bids/path.ts "$scenario" | python3 -c "$summary"
  done
done
