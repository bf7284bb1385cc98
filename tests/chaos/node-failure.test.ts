/**
 * N comments × M viewers × K nodes behind a balancer, with a node killed
 * (SIGKILL) and another stopped gracefully (SIGTERM) in the middle of the
 * stream. Every viewer must end with every acknowledged comment: lost = 0,
 * doubled = 0, out of order = 0.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import { createRedisStore } from '@board/realtime';
import { startNode, type NodeProcess } from '../support/node-process.js';
import { startBalancer, type Balancer } from '../support/tcp-balancer.js';
import { startViewer, startWriter, type Viewer, type Writer } from '../support/resilient-clients.js';
import { uniquePrefix } from '../support/board.js';

const COMMENTS = 240;
const VIEWERS = 12;
const NODES = 3;

describe(`delivery across node failure (${COMMENTS} comments × ${VIEWERS} viewers × ${NODES} nodes)`, () => {
  let nodes: NodeProcess[] = [];
  let balancer: Balancer;
  const prefix = uniquePrefix();

  beforeAll(async () => {
    const redisUrl = inject('redisUrl');
    const store = createRedisStore({ redis: new Redis(redisUrl), prefix, ownsConnection: true });
    await store.createPost({ id: 'live', title: 'Live', description: '', body: '' });
    await store.close();
    nodes = await Promise.all(
      Array.from({ length: NODES }, (_, i) => startNode({ REDIS_URL: redisUrl, REDIS_PREFIX: prefix, NODE_ID: `chaos-${i}` })),
    );
    const alive = () => nodes.filter((n) => n.child.exitCode === null && n.child.signalCode === null).map((n) => n.port);
    balancer = await startBalancer(alive);
  });
  afterAll(async () => {
    await balancer?.close();
    await Promise.all(nodes.map((n) => n.kill('SIGKILL')));
  });

  it('loses, doubles and reorders nothing while nodes die', async () => {
    const viewers: Viewer[] = Array.from({ length: VIEWERS }, () => startViewer(balancer.url, 'live'));
    const writers: Writer[] = await Promise.all([0, 1, 2].map((i) => startWriter(balancer.url, 'live', `Writer ${i}`)));
    await Promise.all(viewers.map((v) => v.ready));

    const acked: string[] = [];
    let attemptsOverOne = 0;
    const killAt = Math.floor(COMMENTS / 3);
    const termAt = Math.floor((2 * COMMENTS) / 3);
    let killed: Promise<number | null> | null = null;
    let terminated: Promise<number | null> | null = null;

    // Three writers post in turn; a third of the way in a node is SIGKILLed, two thirds in another gets SIGTERM.
    await Promise.all(
      writers.map(async (w, wi) => {
        for (let i = wi; i < COMMENTS; i += writers.length) {
          if (i === killAt) killed = nodes[0]!.kill('SIGKILL');
          if (i === termAt) terminated = nodes[1]!.kill('SIGTERM');
          const { comment, attempts } = await w.post(`comment ${i}`);
          if (attempts > 1) attemptsOverOne++;
          acked.push(comment.id);
        }
      }),
    );
    expect(await killed).toBeNull(); // SIGKILL: no exit code
    expect(await terminated).toBe(0); // graceful shutdown exits cleanly

    const want = new Set(acked);
    await Promise.all(viewers.map((v) => v.until(want, 60_000)));

    const rows = viewers.map((v) => {
      const got = new Set(v.stats.applied);
      return {
        lost: [...want].filter((id) => !got.has(id)).length,
        doubled: v.stats.doubled,
        outOfOrder: v.stats.outOfOrder,
        reconnects: v.stats.reconnects,
        replays: v.stats.replays,
        snapshots: v.stats.snapshots,
      };
    });
    const sum = (k: keyof (typeof rows)[number]) => rows.reduce((a, r) => a + r[k], 0);
    console.log(
      `[chaos] ${COMMENTS} comments × ${VIEWERS} viewers × ${NODES} nodes: acked ${acked.length} (unique ${want.size}), ` +
        `resent ${attemptsOverOne}, lost ${sum('lost')}, doubled ${sum('doubled')}, out of order ${sum('outOfOrder')}, ` +
        `viewer reconnects ${sum('reconnects')}, replays ${sum('replays')}, snapshots ${sum('snapshots')}`,
    );
    expect(want.size).toBe(COMMENTS);
    expect(sum('lost')).toBe(0);
    expect(sum('doubled')).toBe(0);
    expect(sum('outOfOrder')).toBe(0);
    // The failures really happened to these viewers: most of them had to move node.
    expect(sum('reconnects')).toBeGreaterThan(0);

    viewers.forEach((v) => v.close());
    writers.forEach((w) => w.close());
  });
});
