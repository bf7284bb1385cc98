// Names for a build of the web app, shared by web/svelte.config.js and
// scripts/build-web.sh.
//
// - buildStamp(): the version name and a hash of every file in this checkout
//   that the web build reads. scripts/build-web.sh writes it next to a build
//   (BUILD_ID) and rebuilds only when it differs: after a new commit (the
//   version name is in the files) and after uncommitted edits.
// - versionName(): SvelteKit's kit.version.name. The git commit, so every
//   build of one commit, on any node, names its files alike (behind a load
//   balancer a page from one node loads its scripts from another); a hash of
//   the sources when this is not a git checkout. SvelteKit's default, the
//   build's timestamp, gave each node's build different script names.
//
//   node scripts/lib/build-id.mjs stamp|version   prints one of them
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** What the web build reads from this checkout: the app, the shared contract, the locked dependencies. */
const INPUTS = [
  'web/src',
  'web/static',
  'web/package.json',
  'web/svelte.config.js',
  'web/vite.config.ts',
  'web/tsconfig.json',
  'shared/src',
  'shared/package.json',
  'pnpm-lock.yaml',
  'scripts/lib/build-id.mjs',
];

/** @param {string} path @returns {string[]} files under path (or path itself), relative to the root, sorted */
function filesUnder(path) {
  const abs = join(root, path);
  let stats;
  try {
    stats = statSync(abs);
  } catch {
    return [];
  }
  if (!stats.isDirectory()) return [path];
  return readdirSync(abs, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(root, join(d.parentPath, d.name)).split(sep).join('/'))
    .sort();
}

/** @returns {string} 16 hex digits */
export function sourcesHash() {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap(filesUnder)) {
    // Name and length first, so that moving bytes between files changes the hash.
    const content = readFileSync(join(root, file));
    hash.update(`${file}\0${content.length}\0`).update(content);
  }
  return hash.digest('hex').slice(0, 16);
}

/** @returns {string} what BUILD_ID holds for a build of this checkout as it is now */
export function buildStamp() {
  return `${versionName().slice(0, 12)}-${sourcesHash()}`;
}

/** @returns {string} */
export function versionName() {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return sourcesHash(); // not a git checkout, or no git
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const what = process.argv[2];
  if (what === 'stamp') console.log(buildStamp());
  else if (what === 'version') console.log(versionName());
  else {
    console.error('usage: node scripts/lib/build-id.mjs stamp|version');
    process.exit(2);
  }
}
