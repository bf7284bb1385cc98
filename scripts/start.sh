#!/usr/bin/env bash
# Installs everything and runs the board (memory engine, demo data) on one port.
# PORT changes the port (default 3000); REDIS_URL switches to the Redis engine.
# Builds the web app only when there is no build of these sources yet, and never
# over the files of a running node (scripts/build-web.sh), so several nodes can
# be started from one checkout, at once or one after another.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure-tools.sh

ensure_pnpm
mkdir -p .tmp
# Nodes started at the same moment install and build one after the other.
exec 9>.tmp/start.lock
flock 9
pnpm install --frozen-lockfile --reporter=silent
bash scripts/build-web.sh --if-stale
exec 9>&-

export WEB_HANDLER="$PWD/web/build/handler.js"
export DATA_DIR="${DATA_DIR:-$PWD/.data}"
# A 128 MB young generation (V8's default is 16): in a reaction storm each
# click's objects live until its batch is stored (~100 ms); with the default they
# outlive scavenges, get promoted, and GC took a fifth of the CPU. 128 MB over 64:
# storm p99 269–283 ms against 283–357 (memory engine), for ~8 KB more RSS per
# idle viewer (docs/benchmarks.md). The bench starts its servers with the same
# flag (SERVER_NODE_FLAGS in scripts/bench/bench.ts).
# Single-threaded GC: a node is meant to have one core to itself (more cores,
# more nodes over Redis), and V8's helper threads for parallel scavenges then
# take turns with the main thread on that core. In the storm they doubled the
# time the main thread waited for its CPU (10-15 % of the time against 3-7 %),
# and scavenge pauses were no shorter (docs/benchmarks.md).
exec node --max-semi-space-size=128 --single-threaded-gc --import tsx realtime/src/main.ts
