#!/usr/bin/env bash
# Development: realtime service with reload on :3001, Vite dev server on :5173
# proxying /socket.io and /api to it, so the browser sees one origin.
# The service runs from TypeScript (tsx) and its JSON log lines are made readable by pino-pretty.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure-tools.sh
ensure_pnpm
pnpm install --frozen-lockfile --reporter=silent

export PORT=3001 DATA_DIR="$PWD/.data" ALLOWED_ORIGINS="http://localhost:5173,http://127.0.0.1:5173"
export REALTIME_INTERNAL_URL="http://127.0.0.1:3001"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT INT TERM
node --import tsx --watch realtime/src/main.ts > >(node_modules/.bin/pino-pretty --translateTime SYS:HH:MM:ss.l --ignore pid,hostname) 2>&1 &
pids+=($!)
(unset PORT; pnpm --filter @board/web dev --host 127.0.0.1 --port 5173 --strictPort) &
pids+=($!)
wait -n
