#!/usr/bin/env bash
# The board's benchmark, one command: bash scripts/bench/run.sh [--viewers=1000,5000 ...]
# (also `pnpm bench`). Sizes: see the settings at the top of scripts/bench/bench.ts
# and docs/benchmarks.md. Traffic stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/../.."

# Thousands of sockets per process, each one file descriptor: raise the limit as far as allowed.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != "unlimited" ] && [ "$(ulimit -n)" -lt 12000 ]; then
  echo "bench: open-files limit is $(ulimit -n); the default sizes need about 10,000 per process" >&2
fi
command -v redis-server >/dev/null || echo "bench: redis-server not found; run with BENCH_ENGINES=memory --only=broadcast,spike,reactions,idle" >&2

exec node --import tsx scripts/bench/bench.ts "$@"
