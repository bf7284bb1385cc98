/**
 * A big event's crowd (issue 24), on two board nodes sharing a redis-server,
 * with a post that already holds a long discussion:
 *   1. page loads: the server-rendered post page at a steady rate, alone (p50 / p99, bytes);
 *   2. the rush: `viewers` people load the page and join within `spreadS`, round robin
 *      over the nodes, while a comment is posted every `postEveryMs`: failures, and
 *      p99 from the page request to the first live event;
 *   3. the reconnect storm: the node holding half of them is killed (SIGKILL); they
 *      come back to the other one with the web client's backoff (shared RECONNECT)
 *      and resync from their last seq: time from the drop to resynced, how (replay
 *      or snapshot), comments lost or received twice, and how long comments posted
 *      during the storm took to reach viewers that stayed connected and viewers that
 *      were coming back.
 * Run with `pnpm bench --only=crowd`, or alone: node --import tsx scripts/bench/crowd.ts
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { RECONNECT } from '@board/shared';
import { startRedisServer } from '../lib/redis-server.js';
import { describeMachine, loadAverage, pinning, procCpuUs } from './machine.js';
import { spawnChild, type Child } from './rpc.js';
import { Samples, type LatencySummary } from './stats.js';
import { BENCH_POST_ID, loadPage } from './wire.js';
import { runAlone } from './in-process.js';

export interface CrowdSettings {
  viewers: number;
  spreadS: number;
  history: number;
  postEveryMs: number;
  pageLoadsPerS: number;
  pageLoadSeconds: number;
}

export const CROWD_DEFAULTS: CrowdSettings = {
  viewers: 5_000,
  spreadS: 10,
  history: 50_000,
  postEveryMs: 250,
  pageLoadsPerS: 50,
  pageLoadSeconds: 10,
};

export interface CrowdResult {
  settings: CrowdSettings;
  seedS: number;
  /** bytes: the page; wireBytes: what crossed the wire for it (gzip taken, as browsers do). */
  pages: { served: boolean; bytes: number; wireBytes: number; latency: LatencySummary; failed: number };
  /** The same page loads on a node that renders every request (PAGE_CACHE_MS=0); null without a web build. */
  uncached: CrowdResult['pages'] | null;
  rush: {
    arrived: number;
    joined: number;
    failed: number;
    /** Failures by reason and step, most frequent first (`n × page: Error: …`). */
    failureReasons: string;
    noLiveEvent: number;
    pageBytes: number;
    /** How the joins were answered: `replay` (the events after the page's seq) or `snapshot` (a page again). */
    joinModes: Record<string, number>;
    page: LatencySummary;
    join: LatencySummary;
    firstLive: LatencySummary;
    wallMs: number;
    /** Frames the viewers received during the rush, by event name. */
    frames: Record<string, number>;
    /** CPU seconds over the rush (its wall time is wallMs): both nodes, redis-server, the load generator. */
    cpuS?: { nodes: number; redis: number; load: number };
  };
  /** Both nodes after the rush, after full collections. */
  memory: { heapBeforeMb: number; heapMb: number };
  storm: {
    onDeadNode: number;
    dropped: number;
    resynced: number;
    resync: LatencySummary;
    modes: Record<string, number>;
    attempts: number;
    lost: number;
    membersLosing: number;
    /** Comments a snapshot resync left behind "Load earlier comments" (not lost: one click away). */
    behindLoadEarlier: number;
    receivedTwice: number;
    live: LatencySummary;
    cameBack: LatencySummary;
  };
  loadAverage: { start: number; end: number };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Page loads at a steady rate, one at a time in flight or more: what a server-rendered page costs under a crowd. */
async function pageLoads(url: string, perS: number, seconds: number): Promise<CrowdResult['pages']> {
  const latency = new Samples();
  let bytes = 0;
  let wireBytes = 0;
  let failed = 0;
  const total = perS * seconds;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: total }, async (_, i) => {
      const wait = t0 + (i * 1_000) / perS - performance.now();
      if (wait > 0) await sleep(wait);
      const started = performance.now();
      try {
        const res = await loadPage(url);
        if (res.status !== 200) throw new Error(String(res.status));
        bytes = res.body.length;
        wireBytes = res.wireBytes;
        latency.add(performance.now() - started);
      } catch {
        failed++;
      }
    }),
  );
  return { served: true, bytes, wireBytes, latency: latency.summary(), failed };
}

/**
 * A node's first render loads the page's modules and compiles their code (~300 ms): a few requests
 * first, so the figures are of a node that has been serving, not of its first second.
 */
async function warmUp(url: string): Promise<void> {
  for (let i = 0; i < 5; i++) await loadPage(url);
}

export async function runCrowd(root: string, say: (line: string) => void = console.log, s: CrowdSettings = CROWD_DEFAULTS): Promise<CrowdResult> {
  const pin = pinning(describeMachine());
  const load0 = loadAverage();
  const handler = join(root, 'web/build/handler.js');
  const webHandler = existsSync(handler) ? handler : undefined;
  if (!webHandler) say('  crowd: no web build (pnpm --filter @board/web build): the rush loads the page data from /api instead of the page');
  // Settings for the two nodes, to compare a tunable in runs side by side: BENCH_CROWD_ENV='{"BROADCAST_CROWD_TICK_MS":"1000"}'.
  const nodeEnv = JSON.parse(process.env.BENCH_CROWD_ENV ?? '{}') as Record<string, string>;
  const redis = await startRedisServer({ cpu: pin.server });
  const children: Child[] = [];
  const start = (name: string, file: string, cpu: number | null, args: string[] = []) => {
    const c = spawnChild(name, join(import.meta.dirname, file), { cpu, cwd: root, nodeArgs: args });
    children.push(c);
    return c;
  };
  try {
    const secret = `crowd-secret-${Date.now()}-0123456789abcdef0123456789`;
    // The flags production runs with (scripts/start.sh), and gc for the memory figure.
    const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
    const flags = ['--expose-gc', '--max-semi-space-size=128', '--single-threaded-gc', ...profile];
    const nodes = [start('node0', 'server-child.ts', pin.server, flags), start('node1', 'server-child.ts', pin.server, flags)];
    const ports: number[] = [];
    for (const [i, node] of nodes.entries()) {
      const { port } = await node.call<{ port: number }>(
        'start',
        { kind: 'board', redisUrl: redis.url, redisPrefix: 'crowd:', nodeId: `crowd-node-${i}`, sessionSecret: secret, rateLimitFactor: 1_000, webHandler, env: nodeEnv },
        60_000,
      );
      ports.push(port);
    }
    const t0 = performance.now();
    await nodes[0]!.call('seed', { comments: s.history }, 600_000);
    const seedS = (performance.now() - t0) / 1_000;
    say(`  crowd: ${s.history.toLocaleString('en-US')} comments of history written in ${seedS.toFixed(1)} s`);

    const pagePath = webHandler ? `/posts/${BENCH_POST_ID}` : `/api/posts/${BENCH_POST_ID}`;
    // The baseline, in the same run: a third node on the same Redis that renders every page (PAGE_CACHE_MS=0).
    let uncached: CrowdResult['pages'] | null = null;
    if (webHandler) {
      const plain = start('node-uncached', 'server-child.ts', pin.server, flags);
      const { port } = await plain.call<{ port: number }>(
        'start',
        { kind: 'board', redisUrl: redis.url, redisPrefix: 'crowd:', nodeId: 'crowd-node-uncached', sessionSecret: secret, rateLimitFactor: 1_000, webHandler, pageCacheMs: 0 },
        60_000,
      );
      await warmUp(`http://127.0.0.1:${port}${pagePath}`);
      uncached = await pageLoads(`http://127.0.0.1:${port}${pagePath}`, s.pageLoadsPerS, s.pageLoadSeconds);
      say(`  crowd: ${s.pageLoadsPerS} page loads/s, every one rendered: p99 ${ms(uncached.latency.p99)} ms, ${uncached.failed} failed`);
      await plain.stop();
      children.splice(children.indexOf(plain), 1);
    }
    for (const port of ports) await warmUp(`http://127.0.0.1:${port}${pagePath}`);
    const pages = await pageLoads(`http://127.0.0.1:${ports[0]}${pagePath}`, s.pageLoadsPerS, s.pageLoadSeconds);
    pages.served = webHandler !== undefined;
    say(`  crowd: ${s.pageLoadsPerS} page loads/s: p99 ${ms(pages.latency.p99)} ms, ${(pages.bytes / 1024).toFixed(1)} KB, ${pages.failed} failed`);

    // Live heap after full collections, before and after the rush: what the nodes keep per viewer
    // (the Redis engine keeps no history in the process).
    type Mem = { heapUsed: number; rss: number };
    const heapMb = async () => (await Promise.all(nodes.map((n) => n.call<Mem>('mem')))).reduce((a, m) => a + m.heapUsed, 0) / 2 ** 20;
    const heapBeforeMb = await heapMb();
    const crowd = start('crowd', 'crowd-child.ts', pin.load, profile);
    await crowd.call('startPosting', { port: ports[1], everyMs: s.postEveryMs });
    // CPU seconds over the rush: the server core (both nodes and redis-server) and the load generator's.
    const cpuNow = () => ({ nodes: nodes.reduce((sum, n) => sum + procCpuUs(n.pid), 0), redis: procCpuUs(redis.pid), load: procCpuUs(crowd.pid) });
    const cpu0 = cpuNow();
    const rush = await crowd.call<CrowdResult['rush']>('rush', { ports, count: s.viewers, spreadMs: s.spreadS * 1_000, pagePath }, 300_000);
    const cpu1 = cpuNow();
    rush.cpuS = { nodes: (cpu1.nodes - cpu0.nodes) / 1e6, redis: (cpu1.redis - cpu0.redis) / 1e6, load: (cpu1.load - cpu0.load) / 1e6 };
    say(
      `  crowd: rush of ${s.viewers} in ${s.spreadS} s: ${rush.joined} joined, ${rush.failed} failed, first live event p99 ${ms(rush.firstLive.p99)} ms`,
    );

    const memory = { heapBeforeMb, heapMb: await heapMb() };
    say(`  crowd: live heap of the two nodes ${memory.heapBeforeMb.toFixed(0)} MB before the rush, ${memory.heapMb.toFixed(0)} MB after`);

    // The storm: node 0 dies with its half of the crowd.
    const { onDeadNode } = await crowd.call<{ onDeadNode: number }>('expectDeath', { deadPorts: [ports[0]], survivors: [ports[1]] });
    nodes[0]!.proc.kill('SIGKILL');
    await nodes[0]!.exited;
    const resynced = await crowd.call<Omit<CrowdResult['storm'], 'onDeadNode' | 'lost' | 'membersLosing' | 'behindLoadEarlier' | 'receivedTwice' | 'live' | 'cameBack'>>(
      'stormResult',
      { timeoutMs: 120_000 },
      150_000,
    );
    const settled = await crowd.call<Pick<CrowdResult['storm'], 'lost' | 'membersLosing' | 'behindLoadEarlier' | 'receivedTwice' | 'live' | 'cameBack'>>('settle', {}, 60_000);
    say(`  crowd: storm: ${resynced.resynced}/${resynced.dropped} resynced, p99 ${ms(resynced.resync.p99)} ms, ${settled.lost} lost`);
    return { settings: s, seedS, uncached, pages, rush, memory, storm: { onDeadNode, ...resynced, ...settled }, loadAverage: { start: load0, end: loadAverage() } };
  } finally {
    await Promise.all(children.map((c) => c.stop()));
    await redis.dispose();
  }
}

const ms = (n: number) => (Number.isFinite(n) ? `${Math.round(n).toLocaleString('en-US')}` : '–');

export function crowdTable(r: CrowdResult): string {
  const { settings: s, rush, storm, pages, uncached } = r;
  const rows: [string, string, string][] = [
    ...(uncached
      ? [
          [
            `page load, same, every request rendered (PAGE_CACHE_MS=0): p50 / p99 ms`,
            `${ms(uncached.latency.p50)} / ${ms(uncached.latency.p99)} (${uncached.failed} failed)`,
            'baseline',
          ] as [string, string, string],
        ]
      : []),
    [
      `page load, post with ${s.history.toLocaleString('en-US')} comments, ${s.pageLoadsPerS} loads/s, one render shared for PAGE_CACHE_MS: p50 / p99 ms`,
      `${ms(pages.latency.p50)} / ${ms(pages.latency.p99)} (${(pages.bytes / 1024).toFixed(1)} KB${pages.served ? ' HTML' : ' API data, no web build'}, ${(pages.wireBytes / 1024).toFixed(1)} KB on the wire, ${pages.failed} failed)`,
      'p99 ≤ 150',
    ],
    [
      `rush: ${s.viewers.toLocaleString('en-US')} load + join within ${s.spreadS} s: failures`,
      `${rush.failed} (${rush.joined} joined: ${Object.entries(rush.joinModes)
        .map(([k, v]) => `${v} by ${k}`)
        .join(', ')}${rush.failureReasons ? `; ${rush.failureReasons}` : ''})`,
      '0',
    ],
    [
      'rush: CPU seconds over its wall time: both nodes / redis-server (the server core) / load generator',
      rush.cpuS ? `${rush.cpuS.nodes.toFixed(1)} / ${rush.cpuS.redis.toFixed(1)} / ${rush.cpuS.load.toFixed(1)} in ${(rush.wallMs / 1_000).toFixed(1)} s` : '–',
      'measured',
    ],
    [
      'rush: frames per viewer during it, by event',
      Object.entries(rush.frames)
        .sort((a, b) => b[1] - a[1])
        .map(([name, n]) => `${name} ${(n / Math.max(1, rush.joined)).toFixed(1)}`)
        .join(', '),
      'measured',
    ],
    ['rush: page request → page, → joined, → first live event: p99 ms', `${ms(rush.page.p99)} / ${ms(rush.join.p99)} / ${ms(rush.firstLive.p99)}`, 'measured (one server core)'],
    [
      `rush: live heap of both nodes before → after it (Redis engine: no history in the process)`,
      `${r.memory.heapBeforeMb.toFixed(0)} → ${r.memory.heapMb.toFixed(0)} MB (${(((r.memory.heapMb - r.memory.heapBeforeMb) * 1024) / Math.max(1, rush.joined)).toFixed(1)} KB per viewer)`,
      'bounded by viewers',
    ],
    [
      `storm: node with ${storm.onDeadNode.toLocaleString('en-US')} viewers killed: resynced, drop → resynced p50 / p99 ms`,
      `${storm.resynced} of ${storm.dropped}, ${ms(storm.resync.p50)} / ${ms(storm.resync.p99)} (${Object.entries(storm.modes)
        .map(([k, v]) => `${v} by ${k}`)
        .join(', ')}; ${storm.attempts} attempts)`,
      'all, p99 ≤ 10,000',
    ],
    [
      'storm: comments lost / behind "Load earlier" after a snapshot / delivered twice on the wire (all viewers, rush included; the client keeps one by seq)',
      `${storm.lost} (${storm.membersLosing} viewers) / ${storm.behindLoadEarlier} / ${storm.receivedTwice}`,
      '0 lost, 0 shown twice',
    ],
    [
      'storm: comment posted during it → viewer, p99 ms: connected / coming back',
      `${ms(storm.live.p99)} (${storm.live.count.toLocaleString('en-US')}) / ${ms(storm.cameBack.p99)} (${storm.cameBack.count.toLocaleString('en-US')})`,
      'connected ≤ 2,000',
    ],
  ];
  return [
    `Backoff: first wait ${RECONNECT.delayMs} ms ± ${RECONNECT.randomizationFactor * 100} %, doubling to ${RECONNECT.delayMaxMs} ms; a comment every ${s.postEveryMs} ms throughout; load average ${r.loadAverage.start.toFixed(1)} → ${r.loadAverage.end.toFixed(1)}.`,
    '',
    '| figure | measured | goal |',
    '| --- | --- | --- |',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

// Run alone. BENCH_CROWD_SPREAD_S: the rush over more seconds, to find the rate one server core absorbs.
runAlone(
  import.meta.url,
  'crowd',
  () =>
    runCrowd(join(import.meta.dirname, '..', '..'), console.log, {
      ...CROWD_DEFAULTS,
      viewers: Number(process.env.BENCH_CROWD_VIEWERS ?? CROWD_DEFAULTS.viewers),
      history: Number(process.env.BENCH_CROWD_HISTORY ?? CROWD_DEFAULTS.history),
      spreadS: Number(process.env.BENCH_CROWD_SPREAD_S ?? CROWD_DEFAULTS.spreadS),
    }),
  crowdTable,
);
