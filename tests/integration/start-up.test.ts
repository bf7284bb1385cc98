/**
 * Starting a node against Redis, as a platform does: in any order, with a
 * password in REDIS_URL, with or without demo data.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { freePort, startRedisServer, type RedisServerHandle } from '../support/redis-server.js';
import { spawnNode, startNode, type NodeProcess } from '../support/node-process.js';
import { uniquePrefix } from '../support/board.js';

const PASSWORD = 'pw-never-printed-7f3a';

const nodes: NodeProcess[] = [];
const servers: RedisServerHandle[] = [];
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.kill('SIGKILL')));
  await Promise.all(servers.splice(0).map((s) => s.dispose()));
});

async function readiness(node: NodeProcess): Promise<number | null> {
  try {
    return (await fetch(`${node.url}/readyz`)).status;
  } catch {
    return null; // not listening yet
  }
}

/** Polls /readyz until it answers with this status (the node has no event to await from outside). */
async function untilReady(node: NodeProcess, status: number, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while ((await readiness(node)) !== status) {
    if (Date.now() > deadline) throw new Error(`/readyz never answered ${status}:\n${node.output()}`);
    if (node.child.exitCode !== null) throw new Error(`node exited with ${node.child.exitCode}:\n${node.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A line of a stack trace, as Node prints one for an error it could not hand to anyone. */
const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;

describe('start-up against Redis', () => {
  it('waits for a Redis that starts after it, saying so, and becomes ready by itself', async () => {
    const port = await freePort();
    const url = `redis://:${PASSWORD}@127.0.0.1:${port}`;
    const node = await spawnNode({ REDIS_URL: url, REDIS_PREFIX: uniquePrefix(), REDIS_WAIT_S: '60' });
    nodes.push(node);

    // Listening at once, alive, and not ready while Redis is away.
    await untilReady(node, 503, 20_000);
    expect((await fetch(`${node.url}/healthz`)).status).toBe(200);
    await node.printed(`Waiting for Redis at redis://:***@127.0.0.1:${port} (connection refused), `, 10_000);

    servers.push(await startRedisServer({ port, password: PASSWORD }));
    await untilReady(node, 200, 20_000);
    await node.printed('Board realtime service on http://', 5_000);

    expect(node.output()).not.toContain(PASSWORD);
    expect(node.output()).not.toMatch(STACK_LINE);
    expect(await node.kill('SIGTERM')).toBe(0);
  });

  it('gives up after REDIS_WAIT_S with one line and exit code 1, no stack trace', async () => {
    const port = await freePort(); // nothing listens there
    const started = Date.now();
    const node = await spawnNode({ REDIS_URL: `redis://:${PASSWORD}@127.0.0.1:${port}`, REDIS_WAIT_S: '3' });
    nodes.push(node);

    expect(await node.exited).toBe(1);
    // 3 s of waiting plus the process's own start (tsx) on a busy machine.
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(node.output()).toContain(
      `Gave up waiting for Redis at redis://:***@127.0.0.1:${port} after 3 s (connection refused`,
    );
    expect(node.output()).not.toContain(PASSWORD);
    expect(node.output()).not.toMatch(STACK_LINE);
  });
});

describe('demo data', () => {
  async function postCount(node: NodeProcess): Promise<number> {
    const res = await fetch(`${node.url}/api/posts`);
    return ((await res.json()) as { posts: unknown[] }).posts.length;
  }

  it('is written on the memory engine by default', async () => {
    const node = await startNode({ SEED_DEMO: undefined });
    nodes.push(node);
    expect(await postCount(node)).toBe(3);
  });

  it('is not written into Redis by default', async () => {
    const node = await startNode({ SEED_DEMO: undefined, REDIS_URL: inject('redisUrl'), REDIS_PREFIX: uniquePrefix() });
    nodes.push(node);
    expect(await postCount(node)).toBe(0);
  });

  it('is written into Redis when SEED_DEMO=1 asks', async () => {
    const node = await startNode({ SEED_DEMO: '1', REDIS_URL: inject('redisUrl'), REDIS_PREFIX: uniquePrefix() });
    nodes.push(node);
    expect(await postCount(node)).toBe(3);
  });
});
