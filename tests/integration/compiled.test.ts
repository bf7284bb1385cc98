/**
 * The compiled service (pnpm build:service: tsc project references, shared/ and
 * realtime/ to dist/) runs with plain node, without tsx: it answers /healthz
 * and /readyz, and a viewer joins a post and comments.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, connect, join, postComment } from '../support/clients.js';
import { startNode, type NodeProcess } from '../support/node-process.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** A build from nothing on a loaded 2-core machine took about a minute; `tsc -b` of built sources a few seconds. */
const BUILD_MS = 240_000;

describe('the compiled service', () => {
  let node: NodeProcess;
  beforeAll(async () => {
    await promisify(execFile)('pnpm', ['-s', 'run', 'build:service'], { cwd: root });
    node = await startNode({ SEED_DEMO: '1' }, { compiled: true });
  }, BUILD_MS);
  afterAll(async () => {
    closeAll();
    await node?.kill('SIGTERM');
  });

  it('runs with plain node, no tsx loaded', () => {
    const cmdline = readFileSync(`/proc/${node.child.pid}/cmdline`, 'utf8').split('\0');
    expect(cmdline).toContain(resolve(root, 'realtime/dist/main.js'));
    // Neither `--import tsx` nor a loader: @board/shared came from its dist/ (plain node cannot import .ts).
    expect(cmdline.join(' ')).not.toMatch(/tsx|--loader|--import/);
  });

  it('answers /healthz and /readyz, and a viewer joins and comments', async () => {
    expect((await fetch(`${node.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${node.url}/readyz`)).json()).toMatchObject({ ok: true, engine: 'memory', nodeId: node.nodeId });
    const { posts } = (await (await fetch(`${node.url}/api/posts`)).json()) as { posts: { id: string }[] };
    const postId = posts[0]!.id;

    const ana = await connect(node.url, { name: 'Ana' });
    const ben = await connect(node.url, { name: 'Ben' });
    const joined = await join(ana, postId);
    expect(joined.mode).toBe('snapshot');
    await join(ben, postId);
    const heard = new Promise<string>((res) => ben.on('post:events', (_p, events) => events[0]?.type === 'comment' && res(events[0].comment.body)));
    await postComment(ana, postId, 'from the compiled build');
    expect(await heard).toBe('from the compiled build');
  });
});
