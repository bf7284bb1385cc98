/**
 * Cross-node fan-out on a Redis Cluster, classic adapter vs sharded adapter, in
 * one run (docs/decisions/0024-redis-cluster.md). Counts, not latencies:
 *   - four board nodes on one private 3-master cluster (scripts/lib/redis-cluster.ts);
 *   - forty posts; post i's viewers connect to `spread` neighbouring nodes
 *     (i % 4, i+1 % 4, ...), so each node has viewers of 40 × spread / 4 posts;
 *   - one writer per post posts `comments` comments; every viewer must get all of them;
 *   - per node: the adapter messages its subscriber received while the comments
 *     went out (board_adapter_messages_received_total);
 *   - the cluster's CPU (INFO cpu used_cpu_sys + used_cpu_user, summed over the
 *     masters) per comment written and per comment delivered to a viewer.
 * The nodes run in this process (message counts and Redis CPU do not depend on it).
 * Run: `pnpm bench --only=sharding` or `node --import tsx scripts/bench/sharding.ts
 * [--viewers=2] [--comments=5] [--spread=1]` (viewers per post per node).
 */
import { Cluster } from 'ioredis';
import type { Socket } from 'socket.io-client';
import { clusterOptions, clusterSeeds, configFrom, createRealtime, redisOptions, silentLog, type Realtime } from '@board/realtime';
import { startRedisCluster } from '../lib/redis-cluster.js';
import { ask, runAlone, sessionSocket } from './in-process.js';

const NODES = 4;
const POSTS = 40;

export interface ShardingSettings {
  /** Viewers of a post on each of its nodes. */
  viewers: number;
  /** Comments each post's writer posts. */
  comments: number;
  /** On how many (neighbouring) nodes a post has viewers, 1..4. */
  spread: number;
}

export interface ShardingRow {
  adapter: 'classic' | 'sharded';
  /** Adapter messages received per node, while the comments went out. */
  perNode: number[];
  comments: number;
  deliveries: number;
  /** Cluster CPU, µs, over the comment phase (all masters). */
  redisCpuUs: number;
}

type Sock = Socket;

async function redisCpuUs(admin: Cluster): Promise<number> {
  let us = 0;
  for (const node of admin.nodes('master')) {
    const info = await node.info('cpu');
    for (const key of ['used_cpu_sys', 'used_cpu_user']) {
      const m = new RegExp(`^${key}:([\\d.]+)`, 'm').exec(info);
      if (m) us += Number(m[1]) * 1e6;
    }
  }
  return us;
}

async function received(node: Realtime): Promise<number> {
  const metric = await node.metrics.adapterMessages.get();
  return metric.values.reduce((a, v) => a + v.value, 0);
}

/** Until the nodes' counters stop moving for `quietMs` (messages of other nodes may still be on their way). */
async function settled(nodes: Realtime[], quietMs = 300): Promise<number[]> {
  let last = await Promise.all(nodes.map(received));
  for (;;) {
    await new Promise((r) => setTimeout(r, quietMs));
    const now = await Promise.all(nodes.map(received));
    if (now.every((n, i) => n === last[i])) return now;
    last = now;
  }
}

async function runOne(seeds: string, admin: Cluster, adapter: 'classic' | 'sharded', s: ShardingSettings, say: (m: string) => void): Promise<ShardingRow> {
  const prefix = `bench-${adapter}:`;
  const nodes: Realtime[] = [];
  const sockets: Sock[] = [];
  try {
    for (let n = 0; n < NODES; n++) {
      const config = configFrom({
        REDIS_CLUSTER_NODES: seeds,
        REDIS_PREFIX: prefix,
        REDIS_ADAPTER: adapter,
        NODE_ID: `${adapter}-${n}`,
        RATE_LIMIT_FACTOR: '0',
        SESSION_SECRET: 'bench-secret-that-is-long-enough-for-hmac-0123456789',
      });
      nodes.push(createRealtime(config, { log: silentLog }));
    }
    const urls = await Promise.all(nodes.map(async (node) => `http://127.0.0.1:${await node.listen(0, '127.0.0.1')}`));
    const postIds = Array.from({ length: POSTS }, (_, i) => `post-${i}`);
    for (const id of postIds) await nodes[0]!.store.createPost({ id, title: id, description: '', body: '' });

    let delivered = 0;
    const viewers: Sock[] = [];
    for (let i = 0; i < POSTS; i++) {
      for (let k = 0; k < s.spread; k++) {
        const url = urls[(i + k) % NODES]!;
        for (let v = 0; v < s.viewers; v++) {
          const socket = await sessionSocket(url);
          socket.on('post:events', (_postId: string, events: { type: string }[]) => {
            for (const e of events) if (e.type === 'comment') delivered++;
          });
          await ask(socket, 'post:join', { postId: postIds[i] });
          viewers.push(socket);
        }
      }
    }
    sockets.push(...viewers);
    const writers: Sock[] = [];
    for (let i = 0; i < POSTS; i++) {
      const w = await sessionSocket(urls[i % NODES]!);
      await ask(w, 'session:rename', { name: `Writer ${i}` });
      await ask(w, 'post:join', { postId: postIds[i] });
      writers.push(w);
    }
    sockets.push(...writers);
    say(`${adapter}: ${viewers.length} viewers and ${writers.length} writers joined; writing ${POSTS * s.comments} comments`);

    const before = await settled(nodes);
    const cpu0 = await redisCpuUs(admin);
    await Promise.all(
      writers.map(async (w, i) => {
        for (let c = 0; c < s.comments; c++) {
          await ask(w, 'comment:create', { postId: postIds[i], body: `comment ${c}`, parentId: null, clientId: `w${i}-c${c}-${adapter}-xxxxxxxx` });
        }
      }),
    );
    // A writer gets its comment in the ack, not as a broadcast: each comment reaches spread × viewers sockets.
    const expected = POSTS * s.comments * s.spread * s.viewers;
    const deadline = Date.now() + 60_000;
    while (delivered < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (delivered < expected) throw new Error(`${adapter}: ${delivered} of ${expected} comment deliveries arrived`);
    const after = await settled(nodes);
    const cpu1 = await redisCpuUs(admin);
    return { adapter, perNode: after.map((n, i) => n - before[i]!), comments: POSTS * s.comments, deliveries: delivered, redisCpuUs: cpu1 - cpu0 };
  } finally {
    for (const socket of sockets) socket.disconnect();
    await Promise.all(nodes.map((n) => n.close().catch(() => undefined)));
  }
}

export async function runSharding(s: ShardingSettings, say: (m: string) => void): Promise<ShardingRow[]> {
  const cluster = await startRedisCluster();
  const admin = new Cluster(clusterSeeds(cluster.nodes.split(',')), clusterOptions(redisOptions));
  try {
    await new Promise<void>((resolve) => (admin.status === 'ready' ? resolve() : admin.once('ready', () => resolve())));
    const rows: ShardingRow[] = [];
    for (const adapter of ['classic', 'sharded'] as const) rows.push(await runOne(cluster.nodes, admin, adapter, s, say));
    return rows;
  } finally {
    admin.disconnect();
    await cluster.dispose();
  }
}

export function shardingTable(rows: ShardingRow[], s: ShardingSettings): string {
  const lines = [
    `${NODES} nodes, ${POSTS} posts, each with ${s.viewers} viewer(s) on each of ${s.spread} node(s), ${s.comments} comments per post; 3-master Redis Cluster.`,
    '',
    `| adapter | ${Array.from({ length: NODES }, (_, i) => `node ${i + 1} msgs`).join(' | ')} | all nodes | comments | deliveries | Redis CPU µs / comment | Redis CPU µs / delivery |`,
    `| --- | ${Array.from({ length: NODES }, () => '---:').join(' | ')} | ---: | ---: | ---: | ---: | ---: |`,
  ];
  for (const r of rows) {
    const total = r.perNode.reduce((a, b) => a + b, 0);
    lines.push(
      `| ${r.adapter} | ${r.perNode.join(' | ')} | ${total} | ${r.comments} | ${r.deliveries} | ` +
        `${(r.redisCpuUs / r.comments).toFixed(0)} | ${(r.redisCpuUs / r.deliveries).toFixed(1)} |`,
    );
  }
  return lines.join('\n');
}

export function shardingSettings(get: (name: string, fallback: string) => string): ShardingSettings {
  const n = (name: string, fallback: number, min: number, max: number) => {
    const v = Number(get(name, String(fallback)));
    if (!Number.isInteger(v) || v < min || v > max) throw new Error(`--${name.toLowerCase().replace(/_/g, '-')} must be an integer in [${min}, ${max}]`);
    return v;
  };
  return { viewers: n('SHARD_VIEWERS', 5, 1, 500), comments: n('SHARD_COMMENTS', 10, 1, 1_000), spread: n('SHARD_SPREAD', 1, 1, NODES) };
}

// Run alone: flags as --shard-viewers=10, or BENCH_SHARD_VIEWERS.
runAlone(
  import.meta.url,
  'sharding bench',
  async () => {
    const flags = new Map<string, string>();
    for (const arg of process.argv.slice(2)) {
      const m = /^--([a-z-]+)=(.*)$/.exec(arg);
      if (m) flags.set(`SHARD_${m[1]!.replace(/-/g, '_').toUpperCase()}`, m[2]!);
    }
    const s = shardingSettings((name, fallback) => flags.get(name) ?? process.env[`BENCH_${name}`] ?? fallback);
    return { s, rows: await runSharding(s, (m) => process.stderr.write(`· ${m}\n`)) };
  },
  ({ s, rows }) => shardingTable(rows, s),
);
