/**
 * A node serving the board's pages keeps running when one of its static files
 * goes missing: that request gets a 404, everything else is served as before.
 * Runs the real built web app (`pnpm build` first) in a real node process, from
 * a copy of the build, so the test can delete from it.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNode, type NodeProcess } from '../support/node-process.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const build = join(root, 'web/build');

describe('static files of the web app', () => {
  let copy: string;
  let node: NodeProcess;

  beforeAll(async () => {
    if (!existsSync(join(build, 'handler.js'))) throw new Error('web/build is missing: run `pnpm build` first');
    // Inside web/, so the build's server code finds web/node_modules as it does in place.
    mkdirSync(join(root, 'web/.tmp'), { recursive: true });
    copy = mkdtempSync(join(root, 'web/.tmp/static-test-'));
    cpSync(realpathSync(build), copy, { recursive: true });
    node = await startNode({ WEB_HANDLER: join(copy, 'handler.js') });
  });

  afterAll(async () => {
    await node?.kill('SIGKILL');
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  it('answers 404 for a file deleted while the node runs, and keeps serving', async () => {
    const page = await (await fetch(`${node.url}/`)).text();
    const scripts = [...page.matchAll(/\/_app\/immutable\/[^"']+\.js/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(1);
    const [gone, kept] = scripts;
    for (const suffix of ['', '.br', '.gz']) rmSync(join(copy, 'client', gone + suffix), { force: true });

    for (const encoding of ['br, gzip', 'identity']) {
      const res = await fetch(`${node.url}${gone}`, { headers: { 'accept-encoding': encoding } });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-encoding')).toBeNull();
    }
    await node.printed(`Static file ${gone} could not be read`, 5_000);

    expect((await fetch(`${node.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${node.url}/`)).status).toBe(200);
    const other = await fetch(`${node.url}${kept}`);
    expect(other.status).toBe(200);
    expect(other.headers.get('cache-control')).toContain('immutable');
    expect(await other.text()).not.toBe('');
    expect(node.child.exitCode).toBeNull();
  });

  it('serves the precompressed copy to a browser that takes it', async () => {
    const res = await fetch(`${node.url}/favicon.svg`, { headers: { 'accept-encoding': 'br' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('br');
    expect(res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(await res.text()).toContain('<svg'); // fetch decodes it
  });
});
