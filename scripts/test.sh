#!/usr/bin/env bash
# Installs everything (pnpm, redis-server, chromium and nginx from Debian when missing)
# and runs every test: typecheck, unit, store contract on both engines,
# integration, chaos, and Playwright end-to-end in Chromium.
# Ends with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure-tools.sh

ensure_pnpm
# The emoji font only changes how screenshots look; reactions render as boxes without it.
# nginx: the load balancer in front of two nodes in tests/e2e/load-balancer.spec.ts.
ensure_debian_packages redis-server:redis-server /usr/bin/chromium:chromium \
  /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf:fonts-noto-color-emoji /usr/sbin/nginx:nginx
pnpm install --frozen-lockfile --reporter=silent || { echo "0 passed, 1 failed"; exit 1; }

mkdir -p .tmp
echo "== typecheck"
if ! pnpm -s typecheck; then echo "typecheck failed"; echo "0 passed, 1 failed"; exit 1; fi
echo "== build web"
# Only when web/build is not of these sources; a node of this checkout may be serving it.
if ! bash scripts/build-web.sh --if-stale; then echo "0 passed, 1 failed"; exit 1; fi
echo "== build service (tsc -b)"
if ! pnpm -s run build:service; then echo "0 passed, 1 failed"; exit 1; fi

# Our own redis-server on a free port: never the machine's Redis on 6379.
REDIS_PORT=$(free_port)
REDIS_DIR=$(mktemp -d)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$REDIS_DIR" \
  --daemonize no --loglevel warning >.tmp/redis.log 2>&1 &
REDIS_PID=$!
trap 'kill $REDIS_PID 2>/dev/null; rm -rf "$REDIS_DIR"' EXIT
for _ in $(seq 100); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
export TEST_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"

# A 3-master Redis Cluster (scripts/lib/redis-cluster.ts) for the store contract and the
# cluster integration tests; it prints its seeds and stops when this script ends.
mkfifo .tmp/cluster.fifo 2>/dev/null || { rm -f .tmp/cluster.fifo; mkfifo .tmp/cluster.fifo; }
node --import tsx scripts/lib/redis-cluster-run.ts >.tmp/cluster.fifo 2>.tmp/redis-cluster.log &
CLUSTER_PID=$!
read -r CLUSTER_NODES <.tmp/cluster.fifo
rm -f .tmp/cluster.fifo
trap 'kill $REDIS_PID $CLUSTER_PID 2>/dev/null; rm -rf "$REDIS_DIR"' EXIT
if [ -n "$CLUSTER_NODES" ]; then export TEST_REDIS_CLUSTER_NODES="$CLUSTER_NODES"; fi

echo "== unit, contract, integration (vitest)"
# Playwright writes its JSON report to test-results/e2e.json (tests/e2e/playwright.config.ts).
rm -f .tmp/vitest.json .tmp/chaos.json test-results/e2e.json
pnpm exec vitest run --project unit --project contract --project integration \
  --reporter=default --reporter=json --outputFile.json=.tmp/vitest.json
VITEST_EXIT=$?

echo "== chaos: node kills, Redis restarts, offline clients, fuzzing (pnpm test:chaos)"
pnpm exec vitest run --project chaos --reporter=default --reporter=json --outputFile.json=.tmp/chaos.json
CHAOS_EXIT=$?

echo "== end-to-end (Playwright, Chromium)"
pnpm --filter @board/tests exec playwright test -c e2e/playwright.config.ts
E2E_EXIT=$?

node scripts/count-results.mjs vitest:.tmp/vitest.json:"$VITEST_EXIT" vitest:.tmp/chaos.json:"$CHAOS_EXIT" \
  playwright:test-results/e2e.json:"$E2E_EXIT"
