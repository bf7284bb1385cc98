/**
 * Two realtime nodes sharing one redis-server, as in production: whatever a
 * client does on node 1 reaches a viewer on node 2, in sequence order. The same
 * on a 3-master Redis Cluster with the sharded adapter (docs/decisions/0024-redis-cluster.md).
 */
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { PostEvent, PostTotals, ReactionSetResult, Result } from '@board/shared';
import { closeAll, connect, join, nextPostEvent, nextTotals, postComment, recordEvents, untilCount, unwrap, waitFor } from '../support/clients.js';
import { startBoard, uniquePrefix, type Board } from '../support/board.js';
import { Cluster, Redis } from 'ioredis';
import { rooms } from '@board/shared';
import { clusterOptions, clusterSeeds, redisOptions } from '@board/realtime';

const variants = [
  { name: 'one Redis', sharded: false, redis: () => ({ redisUrl: inject('redisUrl') }) },
  { name: 'a Redis Cluster (sharded adapter)', sharded: true, redis: () => ({ redisClusterNodes: inject('redisClusterNodes') }) },
];

/** Subscribers of a sharded channel, over every master (the one owning its slot answers). */
async function shardSubscribers(nodes: string, channel: string): Promise<number> {
  const admin = new Cluster(clusterSeeds(nodes.split(',')), clusterOptions(redisOptions));
  try {
    await new Promise<void>((resolve) => (admin.status === 'ready' ? resolve() : admin.once('ready', () => resolve())));
    const counts = await Promise.all(
      admin.nodes('master').map((m) =>
        m.call('PUBSUB', 'SHARDNUMSUB', channel).then(
          (r) => Number((r as [string, number])[1]),
          () => 0,
        ),
      ),
    );
    return counts.reduce((a, b) => a + b, 0);
  } finally {
    admin.disconnect();
  }
}

/** Polls Redis until `want` holds: a node's SSUBSCRIBE follows its room change with no event to await. */
async function until(read: () => Promise<number>, want: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  let got = await read();
  while (got !== want) {
    if (Date.now() > deadline) throw new Error(`expected ${want}, still ${got}`);
    await new Promise((r) => setTimeout(r, 50));
    got = await read();
  }
}

describe.each(variants)('two nodes over $name', ({ redis, sharded }) => {
  let one: Board;
  let two: Board;
  let prefix: string;

  beforeAll(async () => {
    prefix = uniquePrefix();
    const shared = { engine: 'redis' as const, ...redis(), prefix };
    one = await startBoard({ ...shared, nodeId: 'node-one' });
    two = await startBoard({ ...shared, nodeId: 'node-two' });
    await one.store.createPost({ id: 'shared', title: 'Shared', description: '', body: '' });
  });
  afterEach(closeAll);
  afterAll(async () => {
    await one.close();
    await two.close();
  });

  it('shows a comment made on node 1 to a viewer on node 2', async () => {
    const a = await connect(one.url, { name: 'On one' });
    const b = await connect(two.url);
    await join(a, 'shared');
    await join(b, 'shared');
    const seen = nextPostEvent(b, (e) => e.type === 'comment');
    const made = await postComment(a, 'shared', 'across nodes');
    expect((await seen).event).toEqual({ type: 'comment', seq: made.seq, comment: made });
  });

  it('shows reactions made on node 2 to a viewer on node 1', async () => {
    const a = await connect(one.url, { name: 'On one' });
    const b = await connect(two.url, { name: 'On two' });
    await join(a, 'shared');
    await join(b, 'shared');
    const target = await postComment(a, 'shared', 'react across nodes');
    const seen = nextTotals(a, (t) => t.totals.some((c) => c.commentId === target.id));
    unwrap(await b.emitWithAck('reaction:set', { postId: 'shared', commentId: target.id, kind: 'laugh', active: true }));
    const { totals } = await seen;
    expect(totals.totals[0]?.counts.laugh).toBe(1);
  });

  it('numbers totals from both nodes with one version, so a viewer keeping the highest ends on the stored counts', async () => {
    const writer = await connect(one.url, { name: 'Writer' });
    await join(writer, 'shared');
    const target = await postComment(writer, 'shared', 'pressed on both nodes');
    // People react under a name, to a discussion they opened (limits/identity-guard.ts).
    const clickers = [await connect(one.url, { name: 'Ona' }), await connect(two.url, { name: 'Tove' })];
    for (const c of clickers) await join(c, 'shared');
    const viewer = await connect(one.url);
    await join(viewer, 'shared');
    const frames: PostTotals[] = [];
    viewer.on('post:totals', (_postId, totals) => frames.push(totals));

    // Each click waits for its ack, alternating nodes: every one a flush of its own node.
    const n = 12;
    for (let i = 0; i < n; i++) {
      const res: Result<ReactionSetResult> = await clickers[i % 2]!.emitWithAck('reaction:set', {
        postId: 'shared',
        commentId: target.id,
        kind: 'like',
        active: i % 4 < 2,
      });
      unwrap(res);
    }
    const page = await one.store.listComments('shared');
    const stored = page!.comments.find((c) => c.id === target.id)!.reactions;
    // The last click was on node two: its frame crosses Redis, after that node's earlier ones.
    if (!frames.some((f) => f.version === page!.totalsVersion)) {
      await nextTotals(viewer, (t) => t.version === page!.totalsVersion);
    }
    const versions = frames.map((f) => f.version);
    expect(new Set(versions).size).toBe(n);
    const latest = frames.reduce((a, b) => (b.version > a.version ? b : a));
    expect(latest.version).toBe(page!.totalsVersion);
    expect(latest.totals).toEqual([{ commentId: target.id, counts: stored }]);
  });

  it('gives every viewer every comment from both nodes, each once, numbered without gaps', async () => {
    const writers = [await connect(one.url, { name: 'W1' }), await connect(two.url, { name: 'W2' })];
    const viewers = [await connect(one.url), await connect(two.url)];
    const start = (await Promise.all(viewers.map((v) => join(v, 'shared'))))[0]!.seq;
    await Promise.all(writers.map((w) => join(w, 'shared')));
    const logs = viewers.map(recordEvents);
    const n = 20;
    const made = await Promise.all(
      Array.from({ length: n }, (_, i) => postComment(writers[i % 2]!, 'shared', `burst ${i}`)),
    );
    expect(made.map((c) => c.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => start + i + 1));
    const isBurst = (e: PostEvent) => e.type === 'comment' && e.seq > start;
    // Arrival order across nodes may differ, so wait for the count, then check the set.
    await Promise.all(viewers.map((v, i) => untilCount(v, logs[i]!, isBurst, n)));
    // A comment posted after the burst on each node flushes out any late double.
    const markers = await Promise.all(writers.map((w) => postComment(w, 'shared', 'marker')));
    await Promise.all(viewers.map((v, i) => untilCount(v, logs[i]!, (e) => e.seq >= Math.min(...markers.map((m) => m.seq)), 2)));
    for (const log of logs) {
      const seqs = log.filter((l) => isBurst(l.event) && l.event.seq <= start + n).map((l) => l.event.seq);
      expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => start + i + 1));
    }
  });

  it('sums viewers over both nodes', async () => {
    await one.store.createPost({ id: 'crowd', title: 'Crowd', description: '', body: '' });
    const a = await connect(one.url);
    const total = waitFor(a, 'presence', (p) => p.postId === 'crowd' && p.viewers === 3);
    await join(a, 'crowd');
    const b = await connect(two.url);
    const c = await connect(two.url);
    await join(b, 'crowd');
    await join(c, 'crowd');
    await total;
  });

  it.skipIf(sharded)("sends 'N watching now' to each node's own viewers, never through the adapter", async () => {
    await one.store.createPost({ id: 'counted', title: 'Counted', description: '', body: '' });
    // What the classic adapter publishes for rooms, as bytes: every frame that would reach the other node's viewers.
    const listener = new Redis(inject('redisUrl'), redisOptions);
    const published: Buffer[] = [];
    listener.on('pmessageBuffer', (_pattern: Buffer, _channel: Buffer, message: Buffer) => published.push(message));
    await listener.psubscribe(`${prefix}socket.io#/#*`);
    try {
      const a = await connect(one.url);
      const both = waitFor(a, 'presence', (p) => p.postId === 'counted' && p.viewers === 2);
      await join(a, 'counted');
      const b = await connect(two.url, { name: 'On two' });
      await join(b, 'counted');
      // Node two's count reached the viewer on node one (told by node two, sent by node one).
      await both;
      // A comment from node two goes through the adapter after any count it sent: when it is in, all is.
      await postComment(b, 'counted', 'after the counts');
      await until(async () => published.filter((m) => m.includes('after the counts')).length, 1);
      expect(published.filter((m) => m.includes('presence')).length).toBe(0);
    } finally {
      listener.disconnect();
    }
  });

  it.skipIf(!sharded)('subscribes a node to a post only while its viewers have joined it', async () => {
    await one.store.createPost({ id: 'quiet', title: 'Quiet', description: '', body: '' });
    const channel = `${prefix}socket.io#/#${rooms.post('quiet')}#`;
    const subscribers = () => shardSubscribers(inject('redisClusterNodes'), channel);
    expect(await subscribers()).toBe(0);
    const a = await connect(one.url);
    await join(a, 'quiet');
    await until(subscribers, 1);
    const b = await connect(two.url);
    await join(b, 'quiet');
    await until(subscribers, 2);
    // Node two's last viewer leaves: it stops receiving the post's messages.
    b.disconnect();
    await until(subscribers, 1);
    const seen = nextPostEvent(a, (e) => e.type === 'comment');
    const writer = await connect(two.url, { name: 'Writer' });
    await join(writer, 'quiet');
    await until(subscribers, 2);
    const made = await postComment(writer, 'quiet', 'from the other node');
    expect((await seen).event).toMatchObject({ type: 'comment', seq: made.seq });
  });
});
