#!/usr/bin/env bash
# Builds the web app without touching a build that a node may be serving:
# each build goes into a folder of its own, web/builds/<time>-<stamp>/, and
# web/build, a symbolic link, is then moved to it in one rename. A running node
# keeps the folder it started with (it resolves the link once, at start).
#
#   bash scripts/build-web.sh             build (pnpm build)
#   bash scripts/build-web.sh --if-stale  build only when web/build is missing or
#                                         not of these sources (npm start)
#
# One build at a time per checkout (flock on web/builds/.lock): two nodes
# started at once build once, and the second finds that build current.
# The three newest builds are kept; older ones are removed.
set -euo pipefail
cd "$(dirname "$0")/.."

mkdir -p web/builds
exec 9>web/builds/.lock
flock 9

stamp=$(node scripts/lib/build-id.mjs stamp)
if [[ "${1:-}" == --if-stale && -f web/build/BUILD_ID && "$(cat web/build/BUILD_ID)" == "$stamp" ]]; then
  echo "The web app is built for these sources ($stamp)."
  exit 0
fi

folder="$(date -u +%Y%m%dT%H%M%SZ)-$stamp"
[[ -e "web/builds/$folder" ]] && folder+="-$$" # never build into a folder that exists
echo "Building the web app into web/builds/$folder..."
mkdir -p .tmp
log=".tmp/web-build.log"
# The out folder is relative to web/ (web/svelte.config.js). NODE_ENV is set because
# the output depends on it (a test runner's NODE_ENV=test gave other file names).
# The version is read once here: vite loads svelte.config.js for its server and its client
# pass, and a commit landing between them gave the two halves different names.
version=$(node scripts/lib/build-id.mjs version)
NODE_ENV=production BOARD_WEB_VERSION="$version" BOARD_WEB_OUT="builds/$folder" pnpm --filter @board/web run build:vite >"$log" 2>&1 || { cat "$log"; exit 1; }
echo "$stamp" >"web/builds/$folder/BUILD_ID"

# A web/build folder from before builds had folders of their own: keep it with the others.
if [[ -d web/build && ! -L web/build ]]; then mv web/build "web/builds/$(date -u +%Y%m%dT%H%M%SZ)-unstamped"; fi
ln -sfn "builds/$folder" web/build.next
mv -T web/build.next web/build

# Keep the three newest builds (names start with their UTC time).
find web/builds -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort | head -n -3 |
  while read -r old; do rm -rf "web/builds/$old"; done
echo "web/build -> builds/$folder"
