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
for scenario in "${scenarios[@]}"; do
  for round in $(seq 1 "$rounds"); do
    BENCH_APP_DIR="$base" BENCH_LABEL="baseline-$round" npx tsx bench/bids/path.ts "$scenario" | npx tsx bench/bids/summary.ts
    BENCH_LABEL="new-$round" npx tsx bench/bids/path.ts "$scenario" | npx tsx bench/bids/summary.ts
  done
done
