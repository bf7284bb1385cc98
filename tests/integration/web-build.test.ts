/**
 * Building and starting the board from one checkout, as the README's
 * "Run with Redis, and with two nodes" does: starting a second node never
 * disturbs the files the first one serves, and builds of one commit name their
 * files alike (a page from one node loads its scripts from the other).
 *
 * Slow but bounded: the nodes start through scripts/start.sh (pnpm install,
 * then the build only when stale), and the last test builds the web app once
 * more (twice when web/build is not of these sources).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawnNode, type NodeProcess } from '../support/node-process.js';
import { uniquePrefix } from '../support/board.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);

/** A build of the web app takes 15 s on an idle 2-core machine and several times that on a busy one. */
const BUILD_MS = 240_000;
/** pnpm install (nothing to do) and a node's start, through scripts/start.sh. */
const START_MS = 90_000;

const buildWeb = (...args: string[]) => run('bash', [join(root, 'scripts/build-web.sh'), ...args], { cwd: root });
const currentStamp = async () => (await run('node', [join(root, 'scripts/lib/build-id.mjs'), 'stamp'])).stdout.trim();

/** Script and style paths a page refers to. */
function assetsOf(html: string): string[] {
  return [...new Set([...html.matchAll(/\/_app\/immutable\/[^"'\s]+\.(?:js|css)/g)].map((m) => m[0]))].sort();
}

/** Every file name under a build's client/_app, relative to it. */
function appFiles(build: string): string[] {
  const dir = join(build, 'client/_app');
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)))
    .sort();
}

describe('two nodes started from one checkout with scripts/start.sh', () => {
  const nodes: NodeProcess[] = [];
  beforeAll(async () => {
    await buildWeb('--if-stale'); // nothing to do after `pnpm build` (scripts/test.sh runs it first)
  }, BUILD_MS);
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.kill('SIGTERM')));
  });

  it('node A keeps serving its page and scripts while node B starts; each serves the other\'s scripts', async () => {
    // As in the README: one Redis, two ports, NODE_ID for the second, one DATA_DIR (shared session secret).
    const common = {
      REDIS_URL: inject('redisUrl'),
      REDIS_PREFIX: uniquePrefix(),
      DATA_DIR: mkdtempSync(join(tmpdir(), 'board-two-')),
      SESSION_SECRET: undefined,
    };
    const buildBefore = realpathSync(join(root, 'web/build'));

    const a = await spawnNode(common, { viaStartScript: true });
    nodes.push(a);
    await a.printed('Board running on http://', START_MS);
    const pageA = await (await fetch(`${a.url}/`)).text();
    const assets = assetsOf(pageA);
    expect(assets.length).toBeGreaterThan(2);

    const b = await spawnNode({ ...common, NODE_ID: 'b' }, { viaStartScript: true });
    nodes.push(b);
    let bReady = false;
    void b.printed('Board running on http://', START_MS).then(() => (bReady = true), () => undefined);

    // Load A's page and every asset it names, over and over, until B is ready.
    const failures: string[] = [];
    let rounds = 0;
    while (!bReady) {
      if (b.child.exitCode !== null) throw new Error(`node B exited with ${b.child.exitCode}:\n${b.output()}`);
      for (const path of ['/', ...assets]) {
        const status = await fetch(`${a.url}${path}`).then((r) => r.status, (e: Error) => e.message);
        if (status !== 200) failures.push(`${path}: ${status}`);
      }
      rounds += 1;
    }
    expect(failures).toEqual([]);
    expect(rounds).toBeGreaterThan(0);
    expect(a.child.exitCode).toBeNull();

    // B serves the same build: the same page assets, and A's scripts from B (a round-robin balancer).
    expect(assetsOf(await (await fetch(`${b.url}/`)).text())).toEqual(assets);
    for (const path of assets) expect((await fetch(`${b.url}${path}`)).status, path).toBe(200);
    // Nothing was built: B found the build current.
    expect(realpathSync(join(root, 'web/build'))).toBe(buildBefore);
  }, 2 * START_MS);
});

describe('builds of one commit', () => {
  it('name their _app files alike', async () => {
    const stamp = await currentStamp();
    const builtForThese = (() => {
      try {
        return readFileSync(join(root, 'web/build/BUILD_ID'), 'utf8').trim() === stamp;
      } catch {
        return false;
      }
    })();
    // One build of these sources is there already unless web/build is stale.
    if (!builtForThese) await buildWeb();
    const first = realpathSync(join(root, 'web/build'));
    const firstFiles = appFiles(first);
    await buildWeb();
    const second = realpathSync(join(root, 'web/build'));

    expect(second).not.toBe(first);
    expect(firstFiles.length).toBeGreaterThan(10);
    expect(appFiles(second)).toEqual(firstFiles);
    expect(readFileSync(join(second, 'client/_app/version.json'), 'utf8')).toBe(
      readFileSync(join(first, 'client/_app/version.json'), 'utf8'),
    );
  }, 2 * BUILD_MS);
});
