#!/usr/bin/env bash
# Installs everything and runs the board (memory engine, demo data) on one port.
# PORT changes the port (default 3000); REDIS_URL switches to the Redis engine.
# Builds the web app only when there is no build of these sources yet, and never
# over the files of a running node (scripts/build-web.sh), so several nodes can
# be started from one checkout, at once or one after another. Compiles the
# service to JavaScript (tsc -b: only what changed) and runs it with plain node.
# Logs are JSON lines on stdout; pipe them through `pnpm exec pino-pretty` to read them.
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
pnpm -s run build:service
exec 9>&-

export WEB_HANDLER="$PWD/web/build/handler.js"
export DATA_DIR="${DATA_DIR:-$PWD/.data}"
# --max-semi-space-size=128: in a reaction storm every click's objects live
# until its flush is stored and answered (one REACTION_FLUSH_MS window, ~100 ms);
# V8's default 16 MB young generation fills faster than that at 20,000 clicks/s,
# so they would be promoted and collected by costly full collections instead.
# --single-threaded-gc: a node is meant to have one core (more cores, more nodes
# over Redis); GC helper threads would only take turns with it on that core.
# The bench starts its servers with the same flags (SERVER_NODE_FLAGS in
# scripts/bench/bench.ts), so a before/after run shows whether they still pay.
# --conditions=board-compiled: @board/shared resolves to its compiled dist/ (shared/package.json).
exec node --max-semi-space-size=128 --single-threaded-gc --conditions=board-compiled realtime/dist/main.js
