/**
 * The board's benchmark: one command, about four minutes on two cores.
 *
 * Starts the service (memory and Redis engines, one and two nodes), a bare `ws`
 * server as the yardstick, and a separate load-generator process; charges CPU
 * to the server processes only; prints markdown tables and which goals were met.
 * Run it with `bash scripts/bench/run.sh` (raises the open-files limit first).
 *
 * Sizes come from flags or environment (flag `--viewers=1000,5000` = env
 * BENCH_VIEWERS); defaults are the figures of issue 7. See docs/benchmarks.md.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Child, spawnChild } from './rpc.js';
import { describeMachine, loadAverage, pinning, procCpuUs, procWaitNs } from './machine.js';
import { startRedisServer } from '../lib/redis-server.js';

interface BenchRedis {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** A private redis-server for the run, keeping nothing on disk, pinned to `cpu` when given. */
async function startRedis(cpu: number | null): Promise<BenchRedis> {
  const server = await startRedisServer({ cpu });
  return { url: server.url, pid: server.pid, stop: () => server.dispose() };
}
import type { CommentsResult, GcPauses, ReactionResult } from './results.js';
import { bigPostTable, runBigPost } from './bigpost.js';
import { crowdTable, runCrowd } from './crowd.js';
import { ARRIVAL_DEFAULTS, arrivalTable, runArrivals } from './arrival.js';
import { replayTable, runReplay } from './replay.js';
import { runSharding, shardingSettings, shardingTable } from './sharding.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

// ---------------------------------------------------------------- settings

const flags = new Map<string, string>();
for (const arg of process.argv.slice(2)) {
  const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
  if (!m) {
    console.error(`unknown argument ${arg} (use --name=value, e.g. --viewers=1000,5000)`);
    process.exit(2);
  }
  flags.set(m[1]!.replace(/-/g, '_').toUpperCase(), m[2] ?? 'true');
}
const setting = (name: string, fallback: string) => flags.get(name) ?? process.env[`BENCH_${name}`] ?? fallback;
const num = (name: string, fallback: number, min: number, max: number) => {
  const v = Number(setting(name, String(fallback)));
  if (!Number.isFinite(v) || v < min || v > max) {
    console.error(`BENCH_${name} / --${name.toLowerCase().replace(/_/g, '-')} must be a number in [${min}, ${max}]`);
    process.exit(2);
  }
  return v;
};
const nums = (name: string, fallback: string, max: number) =>
  setting(name, fallback)
    .split(',')
    .filter(Boolean)
    .map((s) => {
      const v = Number(s);
      if (!Number.isInteger(v) || v < 1 || v > max) {
        console.error(`BENCH_${name}: ${s} is not an integer in [1, ${max}]`);
        process.exit(2);
      }
      return v;
    });

const S = {
  /** Viewer counts of the broadcast rows (issue 7: 1k and 5k). */
  viewers: nums('VIEWERS', '1000,5000', 18_000),
  /** Comments per second on the one post (issue 7: 10). */
  rate: num('RATE', 10, 1, 1_000),
  /** Measured seconds per broadcast row, after a warm-up. */
  seconds: num('SECONDS', 10, 1, 120),
  /** Warm-up seconds before each measured window (JIT, connection buffers). */
  warmup: num('WARMUP', 2, 0, 30),
  engines: setting('ENGINES', 'memory,redis')
    .split(',')
    .filter(Boolean) as Array<'memory' | 'redis'>,
  /** A comment spike to show per-post batching: this many comments/s to the first viewer count; 0 skips. */
  spikeRate: num('SPIKE_RATE', 200, 0, 2_000),
  /** Reaction clicks per second, all clients together (issue 7: 20k). */
  clicks: num('CLICKS', 20_000, 1, 100_000),
  /** Clients clicking; each sends clicks/clickers messages per second (default 4/s: "a few"). */
  clickers: num('CLICKERS', 5_000, 1, 18_000),
  reactionSeconds: num('REACTION_SECONDS', 10, 1, 60),
  /** Comments per second posted during the reaction burst (a chat goes on while people react); 0: none. */
  stormComments: num('STORM_COMMENTS', 1, 0, 50),
  /** Also run the Redis storm on this many nodes, clickers split evenly over them; 1: only one node. */
  stormNodes: num('STORM_NODES', 1, 1, 4),
  /**
   * `--event-live`: also run each engine's reaction burst with the post's event
   * live (presses stamped and counted into the pulse) and compare it with the
   * same burst without an event: CPU per click, pulse frames/s per viewer, and
   * whether totals and buckets are exact.
   */
  eventLive: ['true', '1', 'yes'].includes(setting('EVENT_LIVE', 'false')),
  /** Idle viewers for the memory figure. */
  idle: num('IDLE', 10_000, 100, 18_000),
  /** Viewers in the one-node / two-node comparison (split evenly over the nodes). */
  nodesViewers: num('NODES_VIEWERS', 2_000, 2, 18_000),
  /**
   * One-node / two-node pairs, run in alternating order (1 2, 2 1, 1 2 …); the goal takes the
   * median of the pairs' ratios. One pair's ratio moved by ±10 % between runs of one build.
   */
  nodesPairs: num('NODES_PAIRS', 3, 1, 9),
  /** Real socket.io-clients checking order and completeness in each run. */
  checkers: num('CHECKERS', 3, 0, 20),
  /**
   * Multiplies the service's rate-limit budgets. The limiters stay on, so their cost is measured,
   * but all simulated people share 127.0.0.1 and one poster sends a spike: ×1000 lets that through.
   */
  rateLimitFactor: num('RATE_LIMIT_FACTOR', 1_000, 0, 1_000),
  /** Write a V8 CPU profile of every server process into this folder (--cpu-prof); empty: none. */
  profileDir: setting('PROFILE', ''),
  /** More node flags for the server processes, space-separated (trying a V8 setting, --trace-gc); empty: none. */
  nodeFlags: setting('NODE_FLAGS', ''),
  /**
   * Sections to run; `bigpost` (bytes and Redis commands of a 50,000-comment post) runs alone in about a minute,
   * `crowd` (page loads, a 5,000-viewer rush and a node killed under them, scripts/bench/crowd.ts) in about two,
   * `replay` (opening watch-later on a 20,000-comment event against reading the whole post) in under one.
   * `sharding` (classic vs sharded adapter on a Redis Cluster, scripts/bench/sharding.ts; --shard-viewers,
   * --shard-comments, --shard-spread) runs only when named.
   */
  only: setting('ONLY', 'broadcast,spike,reactions,idle,nodes,bigpost,crowd,arrival,replay').split(','),
};
const runs = (name: string) => S.only.includes(name);

for (const e of S.engines) {
  if (e !== 'memory' && e !== 'redis') {
    console.error(`BENCH_ENGINES: unknown engine ${e}`);
    process.exit(2);
  }
}

/** Whole-run watchdog: no run may outlive this, whatever hangs. */
const RUN_LIMIT_MS = 15 * 60_000;
/** The node flags production runs with (scripts/start.sh): the board is measured as it is deployed (plus --node-flags, for experiments). */
const SERVER_NODE_FLAGS = ['--max-semi-space-size=128', '--single-threaded-gc', ...S.nodeFlags.split(' ').filter(Boolean)];

// ---------------------------------------------------------------- goals (issue 7)

const GOAL = {
  vsBare: 0.5,
  perCpuSecond: 60_000,
  reactionP99Ms: 300,
  idlePerGb: 20_000,
  twoNodeRatio: 1.1,
};

// ---------------------------------------------------------------- process handling

const machine = describeMachine();
const pin = pinning(machine);
const live = new Set<Child>();
let redis: BenchRedis | null = null;

function startChild(name: string, file: string, cpu: number | null, nodeArgs: string[] = []): Child {
  const child = spawnChild(name, join(here, file), { cpu, cwd: root, nodeArgs });
  live.add(child);
  void child.exited.then(() => live.delete(child));
  return child;
}

async function stopAll(): Promise<void> {
  await Promise.all([...live].map((c) => c.stop()));
  if (redis) await redis.stop();
  redis = null;
}

const watchdog = setTimeout(() => {
  console.error(`bench: still running after ${RUN_LIMIT_MS / 60_000} min, stopping`);
  void stopAll().finally(() => process.exit(1));
}, RUN_LIMIT_MS);
watchdog.unref();
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => void stopAll().finally(() => process.exit(130)));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const say = (m: string) => process.stderr.write(`· ${m}\n`);

interface Cpu {
  /** User + system CPU, µs; sysUs is the kernel's part of it (on loopback that includes the receiver's TCP work). */
  us: number;
  sysUs: number;
  errors: number;
  /** Garbage-collection pauses since the previous call (all nodes; the longest of any). */
  gc: GcPauses;
}
async function serverCpuUs(servers: Child[]): Promise<Cpu> {
  const all = await Promise.all(servers.map((s) => s.call<Cpu>('cpu')));
  return {
    us: all.reduce((a, c) => a + c.us, 0),
    sysUs: all.reduce((a, c) => a + c.sysUs, 0),
    errors: all.reduce((a, c) => a + c.errors, 0),
    gc: {
      count: all.reduce((a, c) => a + c.gc.count, 0),
      ms: all.reduce((a, c) => a + c.gc.ms, 0),
      maxMs: Math.max(...all.map((c) => c.gc.maxMs)),
    },
  };
}

/** Share of a window's wall time each process spent waiting for a CPU (the most-delayed one). */
function waitSnapshot(pids: number[]): () => number {
  const t0 = performance.now();
  const w0 = pids.map(procWaitNs);
  return () => {
    const wallNs = (performance.now() - t0) * 1e6;
    return Math.max(...pids.map((pid, i) => (procWaitNs(pid) - w0[i]!) / wallNs)) * 100;
  };
}

let prefixN = 0;
async function startServers(
  kind: 'board' | 'bare',
  engine: 'memory' | 'redis',
  nodes: number,
  eventLive = false,
): Promise<{ servers: Child[]; ports: number[] }> {
  if (engine === 'redis' && !redis) redis = await startRedis(pin.server);
  const prefix = `bench${++prefixN}:`;
  const secret = `bench-secret-${Date.now()}-0123456789abcdef0123456789`;
  const servers: Child[] = [];
  const ports: number[] = [];
  for (let i = 0; i < nodes; i++) {
    const profile = S.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(S.profileDir)}`] : [];
    const s = startChild(`server${i}`, 'server-child.ts', pin.server, ['--expose-gc', ...SERVER_NODE_FLAGS, ...profile]);
    servers.push(s);
    const { port } = await s.call<{ port: number }>(
      'start',
      {
        kind,
        redisUrl: engine === 'redis' ? redis!.url : undefined,
        redisPrefix: prefix,
        nodeId: `bench-node-${i}`,
        createPost: i === 0,
        eventLive,
        sessionSecret: secret,
        rateLimitFactor: S.rateLimitFactor,
      },
      30_000,
    );
    ports.push(port);
  }
  return { servers, ports };
}

async function connect(load: Child, ports: number[], count: number, kind: 'board' | 'bare'): Promise<void> {
  const r = await load.call<{ connected: number; failed: number; firstError: string; ms: number }>(
    'connectViewers',
    { ports, count, kind },
    // A busy machine may connect only a hundred or so per second; still bounded.
    Math.max(180_000, count * 40),
  );
  say(`${r.connected} viewers connected in ${(r.ms / 1000).toFixed(1)} s${r.failed ? `, ${r.failed} failed (${r.firstError})` : ''}`);
  if (r.failed > count * 0.01) throw new Error(`${r.failed} of ${count} viewers could not connect: ${r.firstError}`);
}

// ---------------------------------------------------------------- scenarios


interface BroadcastRow extends CommentsResult {
  label: string;
  engine: string;
  nodes: number;
  rate: number;
  serverCpuS: number;
  serverCpuPct: number;
  /** Share of the server CPU spent in the kernel. */
  serverSysPct: number;
  redisCpuS: number;
  perCpuS: number;
  serverErrors: number;
  /** % of the window the server (most-delayed node) and the load process waited for a CPU. */
  serverWaitPct: number;
  loadWaitPct: number;
}

async function broadcast(opts: {
  label: string;
  kind: 'board' | 'bare';
  engine: 'memory' | 'redis';
  nodes: number;
  viewers: number;
  rate: number;
  seconds: number;
}): Promise<BroadcastRow> {
  say(`${opts.label}: ${opts.viewers} viewers × ${opts.rate} comments/s, ${opts.seconds} s`);
  const { servers, ports } = await startServers(opts.kind, opts.engine, opts.nodes);
  const load = startChild('load', 'load-child.ts', pin.load);
  try {
    await connect(load, ports, opts.viewers, opts.kind);
    if (opts.kind === 'board' && S.checkers > 0) await load.call('connectCheckers', { ports, count: S.checkers }, 60_000);
    await load.call('startPoster', { port: ports[0], kind: opts.kind }, 30_000);
    if (S.warmup > 0) await load.call('comments', { rate: opts.rate, seconds: S.warmup, drainMs: 3_000 }, 120_000);
    await sleep(300);

    const cpu0 = await serverCpuUs(servers);
    const serverWait = waitSnapshot(servers.map((x) => x.pid));
    const loadWait = waitSnapshot([load.pid]);
    const redis0 = opts.engine === 'redis' && redis ? procCpuUs(redis.pid) : NaN;
    const r = await load.call<CommentsResult>('comments', { rate: opts.rate, seconds: opts.seconds, drainMs: 5_000 }, 300_000);
    const cpu1 = await serverCpuUs(servers);
    const serverWaitPct = serverWait();
    const loadWaitPct = loadWait();
    const redis1 = opts.engine === 'redis' && redis ? procCpuUs(redis.pid) : NaN;

    const serverCpuS = (cpu1.us - cpu0.us) / 1e6;
    const row: BroadcastRow = {
      ...r,
      label: opts.label,
      engine: opts.kind === 'bare' ? 'bare ws' : opts.engine,
      nodes: opts.nodes,
      rate: opts.rate,
      serverCpuS,
      serverCpuPct: (serverCpuS / (r.wallMs / 1000)) * 100,
      serverSysPct: ((cpu1.sysUs - cpu0.sysUs) / (cpu1.us - cpu0.us)) * 100,
      redisCpuS: (redis1 - redis0) / 1e6,
      perCpuS: r.deliveries / serverCpuS,
      serverErrors: cpu1.errors,
      serverWaitPct,
      loadWaitPct,
    };
    say(
      `  ${fmtInt(row.deliveries)} deliveries, ${fmtInt(row.perCpuS)}/CPU-s, p99 ${fmtMs(row.latency.p99)} ms, ` +
        `server ${row.serverCpuPct.toFixed(0)}% CPU, load ${row.loadCpuPct.toFixed(0)}% CPU, ` +
        `waited for a CPU: server ${serverWaitPct.toFixed(0)}%, load ${loadWaitPct.toFixed(0)}%`,
    );
    for (const p of row.problems) say(`  ${p}`);
    if (row.stored < row.sent) say(`  ${row.sent - row.stored} of ${row.sent} comments refused, first: ${row.firstPostError}`);
    return row;
  } finally {
    await load.stop();
    await Promise.all(servers.map((s) => s.stop()));
  }
}

interface ReactionRow extends ReactionResult {
  engine: string;
  serverCpuPct: number;
  /** Server CPU per click, µs, totals broadcasts included. */
  cpuPerClickUs: number;
  /** redis-server's own CPU over the same call, % of a core (Redis rows; NaN otherwise): shown beside, not charged. */
  redisCpuPct: number;
  serverWaitPct: number;
  loadWaitPct: number;
  /** The server's garbage-collection pauses over the same window as its CPU. */
  serverGc: GcPauses;
  /** That window: the burst, the wait for the last receipts and the totals check (ms). */
  callMs: number;
}

/**
 * `bare`: the same burst against the bare ws yardstick (server-child.ts, bareStorm).
 * `nodes` > 1 (Redis only): clickers and checkers split evenly over the nodes.
 */
async function reactionBurst(engine: 'memory' | 'redis' | 'bare', nodes = 1, eventLive = false): Promise<ReactionRow> {
  const perClient = S.clicks / S.clickers;
  const kind = engine === 'bare' ? 'bare' : 'board';
  const label = `${nodes > 1 ? `${engine} ×${nodes} nodes` : engine}${eventLive ? ', event live' : ''}`;
  say(`reactions/${label}: ${S.clickers} clients × ${perClient.toFixed(1)} clicks/s = ${S.clicks} clicks/s, ${S.reactionSeconds} s`);
  const { servers, ports } = await startServers(kind, engine === 'bare' ? 'memory' : engine, nodes, eventLive);
  const load = startChild('load', 'load-child.ts', pin.load);
  try {
    await connect(load, ports, S.clickers, kind);
    let commentId = 'bare';
    if (kind === 'board') {
      await load.call('connectCheckers', { ports, count: Math.max(1, S.checkers) }, 60_000);
      await load.call('startPoster', { port: ports[0], kind: 'board' }, 30_000);
      ({ commentId } = await load.call<{ commentId: string }>('createComment', {}, 30_000));
    }
    // Warm-up at a tenth of the rate; its clicks count towards the totals checked at the end.
    await load.call('reactions', { commentId, perSecond: S.clicks / 10, seconds: 2, drainMs: 5_000 }, 120_000);
    const cpu0 = await serverCpuUs(servers);
    const redis0 = engine === 'redis' && redis ? procCpuUs(redis.pid) : NaN;
    const serverWait = waitSnapshot(servers.map((x) => x.pid));
    const loadWait = waitSnapshot([load.pid]);
    const called = performance.now();
    const r = await load.call<ReactionResult>(
      'reactions',
      { commentId, perSecond: S.clicks, seconds: S.reactionSeconds, drainMs: 30_000, commentsPerSecond: S.stormComments },
      300_000,
    );
    const cpu1 = await serverCpuUs(servers);
    const redis1 = engine === 'redis' && redis ? procCpuUs(redis.pid) : NaN;
    const callMs = performance.now() - called;
    if (kind === 'bare') {
      // No Socket.IO checkers here: the yardstick's own count is what must match.
      const counted = await servers[0]!.call<ReactionResult['expected'] | null>('bareTotals', {}, 10_000);
      r.snapshot = counted;
      r.snapshotExact = r.outstanding === 0 && counted !== null && Object.entries(r.expected).every(([k, n]) => counted[k as keyof typeof counted] === n);
    }
    const row: ReactionRow = {
      ...r,
      engine: engine === 'bare' ? 'bare ws' : label,
      // Over the whole call: the burst, the wait for the last receipts, and the totals check.
      serverCpuPct: ((cpu1.us - cpu0.us) / 1e6 / (callMs / 1000)) * 100,
      cpuPerClickUs: (cpu1.us - cpu0.us) / Math.max(1, r.acked),
      redisCpuPct: ((redis1 - redis0) / 1e6 / (callMs / 1000)) * 100,
      serverWaitPct: serverWait(),
      loadWaitPct: loadWait(),
      serverGc: cpu1.gc,
      callMs,
    };
    say(
      `  ${fmtInt(r.acked)}/${fmtInt(r.fired)} answered, visible p99 ${fmtMs(r.visible.p99)} ms, exact totals: ` +
        `live ${kind === 'bare' ? '–' : r.liveExact ? 'yes' : 'NO'}, stored ${r.snapshotExact ? 'yes' : 'NO'}, ` +
        `server ${row.serverCpuPct.toFixed(0)}% CPU, ${row.cpuPerClickUs.toFixed(1)} µs per click`,
    );
    if (r.failed) say(`  ${r.failed} clicks failed, first: ${r.firstFailure}`);
    if (r.outstanding) say(`  ${r.outstanding} clicks still unanswered after the drain limit`);
    if (r.dropped) say(`  ${r.dropped} clients were disconnected during the burst`);
    return row;
  } finally {
    await load.stop();
    await Promise.all(servers.map((s) => s.stop()));
  }
}

interface Mem {
  rss: number;
  heapUsed: number;
  external: number;
  gc: boolean;
}
interface IdleRow {
  viewers: number;
  rssBefore: number;
  rssAfter: number;
  perConnRss: number;
  perConnHeap: number;
  perGb: number;
  gc: boolean;
}

async function idleMemory(): Promise<IdleRow> {
  say(`idle: ${S.idle} viewers connected and joined, memory engine`);
  const { servers, ports } = await startServers('board', 'memory', 1);
  const server = servers[0]!;
  const load = startChild('load', 'load-child.ts', pin.load);
  try {
    // One viewer first, so code paths loaded on first use are in the baseline, not the per-connection figure.
    await load.call('connectViewers', { ports, count: 1, kind: 'board' }, 30_000);
    await sleep(500);
    const before = await server.call<Mem>('mem');
    await connect(load, ports, S.idle - 1, 'board');
    // Presence flushes every 250 ms; let the crowd's joins settle before measuring.
    await sleep(3_000);
    const after = await server.call<Mem>('mem');
    const n = S.idle - 1;
    const perConnRss = (after.rss - before.rss) / n;
    const row: IdleRow = {
      viewers: S.idle,
      rssBefore: before.rss,
      rssAfter: after.rss,
      perConnRss,
      perConnHeap: (after.heapUsed - before.heapUsed) / n,
      perGb: 2 ** 30 / perConnRss,
      gc: after.gc,
    };
    say(`  ${(perConnRss / 1024).toFixed(1)} KB RSS per idle viewer → ${fmtInt(row.perGb)} per GB`);
    return row;
  } finally {
    await load.stop();
    await Promise.all(servers.map((s) => s.stop()));
  }
}

// ---------------------------------------------------------------- formatting

const fmtInt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');
const fmtMs = (n: number) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(2) : n.toFixed(1)) : '–');
const fmtMb = (n: number) => `${(n / 2 ** 20).toFixed(0)} MB`;
const mark = (ok: boolean) => (ok ? 'MET' : 'MISSED');
/** Above this share of wall time spent waiting for a CPU, a run's latencies say more about the machine than the board. */
const CONTENDED_PCT = 10;
const waitCell = (r: { serverWaitPct: number; loadWaitPct: number }) =>
  `${Number.isFinite(r.serverWaitPct) ? r.serverWaitPct.toFixed(0) : '?'}% / ${Number.isFinite(r.loadWaitPct) ? r.loadWaitPct.toFixed(0) : '?'}%`;

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const t0 = Date.now();
  const load0 = loadAverage();
  say(`machine: ${machine.nproc} CPUs (${machine.cpuModel}), node ${machine.node}; ${pin.note}`);

  const broadcastRows: BroadcastRow[] = [];
  const bareRows = new Map<number, BroadcastRow>();
  let spikeRow: BroadcastRow | null = null;
  const reactionRows: ReactionRow[] = [];
  /** `--event-live`: each engine's burst without an event and with it live, run back to back. */
  const eventLiveRows: { plain: ReactionRow; live: ReactionRow }[] = [];
  let idleRow: IdleRow | null = null;
  const nodeRows: Array<BroadcastRow & { pair: number }> = [];

  /** A section that fails (a child crashed, a call timed out) is reported as missed; the rest still runs. */
  const failures: string[] = [];
  const attempt = async <T>(label: string, fn: () => Promise<T>): Promise<T | null> => {
    try {
      return await fn();
    } catch (err) {
      const msg = (err instanceof Error ? err.message : String(err)).split('\n')[0];
      say(`  ${label} FAILED: ${msg}`);
      failures.push(`MISSED  ${label}: the run failed (${msg})`);
      return null;
    }
  };

  if (runs('broadcast')) {
    for (const viewers of S.viewers) {
      const bare = await attempt(`bare ws, ${viewers} viewers`, () =>
        broadcast({ label: `bare/${viewers}`, kind: 'bare', engine: 'memory', nodes: 1, viewers, rate: S.rate, seconds: S.seconds }),
      );
      if (bare) bareRows.set(viewers, bare);
      for (const engine of S.engines) {
        const row = await attempt(`${engine}, ${viewers} viewers`, () =>
          broadcast({ label: `${engine}/${viewers}`, kind: 'board', engine, nodes: 1, viewers, rate: S.rate, seconds: S.seconds }),
        );
        if (row) broadcastRows.push(row);
      }
    }
  }
  if (runs('spike') && S.spikeRate > 0) {
    const viewers = S.viewers[0] ?? 1000;
    spikeRow = await attempt('comment spike', () => broadcast({
      label: `spike/memory/${viewers}`,
      kind: 'board',
      engine: 'memory',
      nodes: 1,
      viewers,
      rate: S.spikeRate,
      seconds: Math.max(2, Math.round(S.seconds / 2)),
    }));
  }
  if (runs('reactions')) {
    for (const engine of ['bare', ...S.engines] as const) {
      const row = await attempt(`reaction burst on ${engine}`, () => reactionBurst(engine));
      if (row) reactionRows.push(row);
      if (S.eventLive && engine !== 'bare') {
        const live = await attempt(`reaction burst on ${engine}, event live`, () => reactionBurst(engine, 1, true));
        if (live) {
          reactionRows.push(live);
          if (row) eventLiveRows.push({ plain: row, live });
        }
      }
    }
    if (S.stormNodes > 1 && S.engines.includes('redis')) {
      const row = await attempt(`reaction burst on ${S.stormNodes} Redis nodes`, () => reactionBurst('redis', S.stormNodes));
      if (row) reactionRows.push(row);
    }
  }
  if (runs('idle')) idleRow = await attempt('idle memory', () => idleMemory());
  // Counts, not times: the same on a busy machine as on an idle one.
  const bigPostRows = runs('bigpost') ? await attempt('big post', () => runBigPost(root, say)) : null;
  const crowd = runs('crowd') ? await attempt('crowd', () => runCrowd(root, say)) : null;
  const arrival = runs('arrival') ? await attempt('arrival', () => runArrivals(root, ARRIVAL_DEFAULTS)) : null;
  const replayRows = runs('replay') ? await attempt('replay', () => runReplay(say)) : null;
  const shardingSet = runs('sharding') ? shardingSettings(setting) : null;
  const shardingRows = shardingSet ? await attempt('sharding', () => runSharding(shardingSet, say)) : null;
  if (runs('nodes')) {
    for (let pair = 0; pair < S.nodesPairs; pair++) {
      // Alternating order: a machine that speeds up or slows down during the section does not favour one side.
      for (const nodes of pair % 2 === 0 ? [1, 2] : [2, 1]) {
        const row = await attempt(`${nodes} node(s) over Redis, pair ${pair + 1}`, () =>
          broadcast({
            label: `redis/${nodes} node${nodes > 1 ? 's' : ''}`,
            kind: 'board',
            engine: 'redis',
            nodes,
            viewers: S.nodesViewers,
            rate: S.rate,
            seconds: S.seconds,
          }),
        );
        if (row) nodeRows.push({ ...row, pair });
      }
    }
  }
  await stopAll();
  const load1 = loadAverage();

  // ---- report
  const out: string[] = [];
  const goals: string[] = [];
  out.push(`## Run of ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`);
  out.push('');
  out.push(
    `Machine: ${machine.nproc} CPUs, ${machine.cpuModel}, ${machine.memGb.toFixed(0)} GB RAM, ${machine.kernel}; Node ${machine.node}. ` +
      `${pin.note}. Load: raw Engine.IO/Socket.IO viewers over ws in one separate process, ${S.checkers} socket.io-client checkers per run. ` +
      `Machine load average (1 min) ${load0.toFixed(1)} at the start, ${load1.toFixed(1)} at the end; ` +
      `"CPU wait" = share of the window the server / load process was runnable but waiting for a CPU (other work on the machine).`,
  );

  if (broadcastRows.length > 0 || spikeRow) {
    out.push('');
    out.push(`### Broadcast: one post, comments sent to every viewer (${S.seconds} s measured after ${S.warmup} s warm-up)`);
    out.push('');
    const rows = [...broadcastRows, ...bareRows.values(), ...(spikeRow ? [spikeRow] : [])].sort((a, b) =>
      a === spikeRow ? 1 : b === spikeRow ? -1 : a.viewers - b.viewers || a.engine.localeCompare(b.engine),
    );
    out.push(
      table(
        ['server', 'viewers', 'comments/s', 'deliveries', 'frames/viewer', 'server CPU', 'deliveries per CPU-s', 'vs bare ws', 'p50 ms', 'p99 ms', 'p99.9 ms', 'lost', 'checkers', 'load CPU', 'CPU wait'],
        rows.map((r) => {
          const bare = bareRows.get(r.viewers);
          const vs = r.engine === 'bare ws' || r === spikeRow || !bare ? '' : `${(r.perCpuS / bare.perCpuS).toFixed(2)}×`;
          return [
            r === spikeRow ? `${r.engine} (spike)` : r.engine,
            fmtInt(r.viewers),
            String(r.rate),
            fmtInt(r.deliveries),
            fmtInt(r.frames / Math.max(1, r.viewers)),
            `${r.serverCpuS.toFixed(2)} s (${r.serverCpuPct.toFixed(0)}% of a core, ${r.serverSysPct.toFixed(0)}% kernel)${Number.isFinite(r.redisCpuS) ? ` + redis ${r.redisCpuS.toFixed(2)} s` : ''}`,
            fmtInt(r.perCpuS),
            vs,
            fmtMs(r.latency.p50),
            fmtMs(r.latency.p99),
            fmtMs(r.latency.p999),
            `${fmtInt(r.lost)}${r.doubled ? ` (+${r.doubled} doubled)` : ''}${r.dropped ? ` (${r.dropped} viewers dropped)` : ''}`,
            r.engine === 'bare ws' ? '–' : `${r.checkersOk}/${r.checkers} ok`,
            `${r.loadCpuPct.toFixed(0)}%`,
            waitCell(r),
          ];
        }),
      ),
    );
    for (const r of broadcastRows) {
      const bare = bareRows.get(r.viewers);
      const ratio = bare ? r.perCpuS / bare.perCpuS : NaN;
      goals.push(
        `${mark(r.perCpuS >= GOAL.perCpuSecond)}  ${r.engine}, ${fmtInt(r.viewers)} viewers: ${fmtInt(r.perCpuS)} deliveries per CPU-second (goal ≥ ${fmtInt(GOAL.perCpuSecond)})`,
      );
      if (bare) {
        goals.push(
          `${mark(ratio >= GOAL.vsBare)}  ${r.engine}, ${fmtInt(r.viewers)} viewers: ${ratio.toFixed(2)}× bare ws per CPU-second (goal ≥ ${GOAL.vsBare}×)`,
        );
      }
      if (r.stored < r.sent) goals.push(`NOTE  ${r.engine}, ${fmtInt(r.viewers)} viewers: ${r.sent - r.stored} of ${r.sent} comments refused (${r.firstPostError})`);
      if (r.lost > 0 || r.checkersOk < r.checkers) {
        goals.push(`MISSED  ${r.engine}, ${fmtInt(r.viewers)} viewers: ${fmtInt(r.lost)} deliveries lost, ${r.checkersOk}/${r.checkers} checkers ok`);
      }
    }
    if (spikeRow) {
      out.push('');
      out.push(
        `Spike row: ${spikeRow.rate} comments/s on one post are batched into ${fmtInt(spikeRow.frames / spikeRow.viewers / (spikeRow.wallMs / 1000))} ` +
          `frames/s per viewer (batching starts above 20 events/s per post, one frame per 33 ms tick).`,
      );
    }
  }

  if (eventLiveRows.length > 0) {
    out.push('');
    out.push('### Reaction burst with the event live (stamps and pulse buckets on)');
    out.push('');
    out.push(
      'The same burst on a post whose event is live, run right after the one without an event: every press is stamped ' +
        'with the event time and counted into its 5 s bucket in the same write as the totals, and pulse buckets travel ' +
        'with the totals frames (at most one pulse-bearing frame per PULSE_FRAME_MS, 200 ms, per post). ' +
        '*Presses*: stored settings that turned a reaction from off to on, read from the answers (clicks coalesced into one flush share one answer; warm-up included); *counted*: the presses in the ' +
        'stored buckets; *exact*: the two agree and every checker heard exactly the stored pulse. Goals (issue 23): CPU per ' +
        'click within 1.15× of the burst without an event, pulse frames ≤ 5/s per viewer.',
    );
    out.push('');
    out.push(
      table(
        ['engine', 'µs per click, no event', 'µs per click, event live', 'ratio', 'pulse frames/s per viewer', 'presses / counted in buckets', 'exact totals (live / stored)', 'exact pulse'],
        eventLiveRows.map(({ plain, live }) => [
          live.engine,
          plain.cpuPerClickUs.toFixed(1),
          live.cpuPerClickUs.toFixed(1),
          `${(live.cpuPerClickUs / plain.cpuPerClickUs).toFixed(2)}×`,
          live.pulse.framesPerViewerPerSec.toFixed(1),
          `${fmtInt(live.pulse.presses)} / ${live.pulse.counted === null ? '–' : fmtInt(live.pulse.counted)}`,
          `${live.liveExact ? 'yes' : 'NO'} / ${live.snapshotExact ? 'yes' : 'NO'}`,
          live.pulse.exact ? 'yes' : 'NO',
        ]),
      ),
    );
    for (const { plain, live } of eventLiveRows) {
      const ratio = live.cpuPerClickUs / plain.cpuPerClickUs;
      goals.push(`${mark(ratio <= 1.15)}  ${live.engine}: CPU per click ${ratio.toFixed(2)}× the burst without an event (goal ≤ 1.15×)`);
      goals.push(`${mark(live.pulse.framesPerViewerPerSec <= 5)}  ${live.engine}: ${live.pulse.framesPerViewerPerSec.toFixed(1)} pulse frames/s per viewer (goal ≤ 5)`);
      goals.push(
        `${mark(live.pulse.exact && live.liveExact && live.snapshotExact)}  ${live.engine}: exact totals and buckets ` +
          `(${fmtInt(live.pulse.presses)} presses stored, ${live.pulse.counted === null ? 'no' : fmtInt(live.pulse.counted)} counted in buckets)`,
      );
    }
  }

  if (reactionRows.length > 0) {
    const bareReaction = reactionRows.find((r) => r.engine === 'bare ws');
    out.push('');
    out.push(`### Reaction burst: ${fmtInt(S.clicks)} clicks/s for ${S.reactionSeconds} s on one comment`);
    out.push('');
    out.push(
      `${fmtInt(S.clickers)} raw clients joined to the post, each sending ${(S.clicks / S.clickers).toFixed(1)} reaction:set messages per second ` +
        `(toggling a kind per click, without an ack, like the web client) and each receiving the totals frames and its batched receipts. ` +
        `Click→visible: from sending a click to receiving the totals frame that shows it (a flush sends its totals, then its receipts, ` +
        `so it is the last totals frame before the click's receipt). ` +
        `Server CPU: average over the burst and the wait for the last receipts (Redis rows: redis-server's own beside it, not charged). ` +
        `bare ws: the same burst against a bare ws server that only counts (JSON.parse, one setting per client and kind) and every ` +
        `100 ms writes the totals to every client, then one receipts frame to each client that clicked: ` +
        `the floor for this storm on this machine, not a service (no Socket.IO, validation, identities, limits or storage). ` +
        `Comments during the burst: ${S.stormComments} a second posted by a Socket.IO client while the clicks go on, send→receive at every client. ` +
        `Reconnect mid-burst: a checker rejoins halfway through with its sequence number and totals version; how it was answered and in how many ms.`,
    );
    out.push('');
    out.push(
      table(
        ['engine', 'clicks sent', 'answered', 'failed', 'unanswered', 'achieved clicks/s', 'visible p50 ms', 'visible p99 ms', 'visible p99.9 ms', 'receipt p99 ms', 'totals frames/s per viewer', 'totals deliveries/s', 'exact totals (live / stored)', 'comments during the burst: p50 / p99 ms (delivered)', 'reconnect mid-burst', 'server CPU', 'µs server CPU per click', 'CPU per click vs bare ws', 'load CPU', 'CPU wait'],
        reactionRows.map((r) => [
          r.engine,
          fmtInt(r.fired),
          fmtInt(r.acked),
          `${fmtInt(r.failed)}${r.dropped ? ` (${r.dropped} clients dropped)` : ''}`,
          fmtInt(r.outstanding),
          fmtInt(r.fired / (r.sendMs / 1000)),
          fmtMs(r.visible.p50),
          fmtMs(r.visible.p99),
          fmtMs(r.visible.p999),
          fmtMs(r.ack.p99),
          r.reactionFramesPerViewerPerSec.toFixed(1),
          fmtInt(r.reactionFramesPerViewerPerSec * r.clickers),
          `${r.engine === 'bare ws' ? '–' : r.liveExact ? 'yes' : 'NO'} / ${r.snapshotExact ? 'yes' : 'NO'}`,
          r.comments.sent === 0
            ? '–'
            : `${fmtMs(r.comments.latency.p50)} / ${fmtMs(r.comments.latency.p99)} (${fmtInt(r.comments.deliveries)} of ${fmtInt(r.comments.sent * r.clickers)})`,
          r.resync.mode === 'none' ? '–' : `${r.resync.mode}, ${fmtMs(r.resync.ms)} ms (${r.resync.events} events, ${r.resync.totals} totals)`,
          `${r.serverCpuPct.toFixed(0)}%${Number.isFinite(r.redisCpuPct) ? ` + redis ${r.redisCpuPct.toFixed(0)}%` : ''}`,
          r.cpuPerClickUs.toFixed(1),
          bareReaction && r !== bareReaction ? `${(r.cpuPerClickUs / bareReaction.cpuPerClickUs).toFixed(2)}×` : '',
          `${r.loadCpuPct.toFixed(0)}%`,
          waitCell(r),
        ]),
      ),
    );
    out.push('');
    out.push(
      'Where the time goes. *Totals period*: time between one totals frame and the next, as the viewers got them ' +
        '(first arrival of each; p50 / p90); a click waits for the next one. *Fan-out*: from the first to the last ' +
        'viewer receiving the same totals frame (p50 / p90): one write per viewer, so this is the machine\'s cost of ' +
        'a loopback write times the viewers. Click→visible is roughly the two together plus the pauses. ' +
        '*Server GC*: the server\'s garbage-collection pauses over the same window as its CPU ' +
        '(count, total, longest); a click read just before one waits it out. *Load loop delay*: how late the load ' +
        'generator\'s own event loop ran while it sent the burst (p99 / max); a frame that arrives meanwhile is timed ' +
        'that much late, for every row alike.',
    );
    out.push('');
    out.push(
      table(
        [
          'engine',
          'totals frames',
          'totals period p50 / p90 ms',
          'fan-out p50 / p90 ms',
          'server GC pauses',
          'server GC total ms',
          'longest GC pause ms',
          'GC share of the window',
          'load loop delay p99 / max ms',
        ],
        reactionRows.map((r) => [
          r.engine,
          fmtInt(r.fanOut.frames),
          `${fmtMs(r.fanOut.periodP50)} / ${fmtMs(r.fanOut.periodP90)}`,
          `${fmtMs(r.fanOut.spreadP50)} / ${fmtMs(r.fanOut.spreadP90)}`,
          fmtInt(r.serverGc.count),
          fmtInt(r.serverGc.ms),
          r.serverGc.maxMs.toFixed(1),
          `${((r.serverGc.ms / r.callMs) * 100).toFixed(1)}%`,
          `${r.loadLag.p99.toFixed(1)} / ${r.loadLag.max.toFixed(1)}`,
        ]),
      ),
    );
    for (const r of reactionRows) {
      if (r === bareReaction) continue;
      // The yardstick's own p99 beside it: on a machine where that misses too, the floor is the machine's.
      const floor = bareReaction ? `; bare ws yardstick ${fmtMs(bareReaction.visible.p99)} ms in this run` : '';
      goals.push(
        `${mark(r.visible.p99 <= GOAL.reactionP99Ms && r.unseen === 0)}  reactions on ${r.engine}: click→visible p99 ${fmtMs(r.visible.p99)} ms ` +
          `(goal ≤ ${GOAL.reactionP99Ms} ms${floor})${r.unseen ? `, ${r.unseen} clicks never seen` : ''}`,
      );
      if (r.resync.mode !== 'none') {
        goals.push(`${mark(r.resync.mode === 'replay')}  reactions on ${r.engine}: a reconnect mid-burst is answered by ${r.resync.mode}`);
      }
      goals.push(
        r.outstanding > 0
          ? `MISSED  reactions on ${r.engine}: totals not checkable, ${fmtInt(r.outstanding)} clicks still unacknowledged after 30 s`
          : `${mark(r.liveExact && r.snapshotExact)}  reactions on ${r.engine}: exact totals (expected ${JSON.stringify(r.expected)}, live ${JSON.stringify(r.live[0])}, stored ${JSON.stringify(r.snapshot)})`,
      );
    }
  }

  if (idleRow) {
    out.push('');
    out.push('### Memory per idle connection');
    out.push('');
    out.push(
      table(
        ['engine', 'idle viewers (joined)', 'RSS before', 'RSS after', 'RSS per viewer', 'heap per viewer', 'viewers per GB RSS'],
        [
          [
            'memory',
            fmtInt(idleRow.viewers),
            fmtMb(idleRow.rssBefore),
            fmtMb(idleRow.rssAfter),
            `${(idleRow.perConnRss / 1024).toFixed(1)} KB`,
            `${(idleRow.perConnHeap / 1024).toFixed(1)} KB`,
            fmtInt(idleRow.perGb),
          ],
        ],
      ),
    );
    goals.push(`${mark(idleRow.perGb >= GOAL.idlePerGb)}  idle: ${fmtInt(idleRow.perGb)} viewers per GB RSS (goal ≥ ${fmtInt(GOAL.idlePerGb)})`);
  }

  const pairs: Array<[BroadcastRow, BroadcastRow]> = [];
  for (const pair of new Set(nodeRows.map((r) => r.pair))) {
    const one = nodeRows.find((r) => r.pair === pair && r.nodes === 1);
    const two = nodeRows.find((r) => r.pair === pair && r.nodes === 2);
    if (one && two) pairs.push([one, two]);
  }
  if (pairs.length > 0) {
    const cpuPer = (r: BroadcastRow) => (r.serverCpuS * 1e6) / r.deliveries;
    const ratios = pairs.map(([one, two]) => cpuPer(two) / cpuPer(one));
    const sorted = [...ratios].sort((a, b) => a - b);
    // The lower middle of an even count, as elsewhere here.
    const median = sorted[(sorted.length - 1) >> 1]!;
    out.push('');
    out.push(
      `### One node versus two nodes over Redis: ${fmtInt(S.nodesViewers)} viewers × ${S.rate} comments/s, viewers split evenly, poster on node 1, ` +
        `${pairs.length} pair${pairs.length > 1 ? 's' : ''} in alternating order`,
    );
    out.push('');
    out.push(
      table(
        ['pair', 'nodes', 'deliveries', 'frames/viewer', 'node CPU (all nodes)', 'µs node CPU per delivery', 'redis CPU', 'p50 ms', 'p99 ms', 'p99.9 ms', 'lost', 'checkers', 'vs one node', 'CPU wait'],
        pairs.flatMap(([one, two], i) =>
          [one, two].map((r) => [
            String(i + 1),
            String(r.nodes),
            fmtInt(r.deliveries),
            fmtInt(r.frames / Math.max(1, r.viewers)),
            `${r.serverCpuS.toFixed(2)} s`,
            cpuPer(r).toFixed(2),
            `${r.redisCpuS.toFixed(2)} s`,
            fmtMs(r.latency.p50),
            fmtMs(r.latency.p99),
            fmtMs(r.latency.p999),
            fmtInt(r.lost),
            `${r.checkersOk}/${r.checkers} ok`,
            r === one ? '1.00×' : `${ratios[i]!.toFixed(2)}×`,
            waitCell(r),
          ]),
        ),
      ),
    );
    const each = pairs.length > 1 ? ` (median of ${pairs.length} pairs: ${ratios.map((x) => `${x.toFixed(2)}×`).join(', ')})` : '';
    goals.push(`${mark(median <= GOAL.twoNodeRatio)}  two nodes: ${median.toFixed(2)}× the node CPU per delivery of one node${each} (goal ≤ ${GOAL.twoNodeRatio.toFixed(2)}×)`);
  }

  for (const r of (bigPostRows ?? []).filter((x) => x.comments === 50_000)) {
    if (r.htmlBytes !== null) {
      goals.push(`${mark(r.htmlBytes <= 150 * 1024)}  ${r.engine}: page load of a 50,000-comment post ${(r.htmlBytes / 1024).toFixed(1)} KB of HTML with its data (goal ≤ 150 KB)`);
    }
    goals.push(`${mark(r.joinBytes <= 100 * 1024)}  ${r.engine}: join snapshot of a 50,000-comment post ${(r.joinBytes / 1024).toFixed(1)} KB (goal ≤ 100 KB)`);
    if (r.joinCommands !== null) goals.push(`info  ${r.engine}: ${r.joinCommands} Redis commands per join of a 50,000-comment post (a page's worth, whatever the history)`);
  }

  const errors = [...broadcastRows, ...nodeRows, ...(spikeRow ? [spikeRow] : [])].reduce((a, r) => a + r.serverErrors, 0);
  out.push('');
  if (bigPostRows) {
    out.push('### A post with 50,000 comments: what a page load and a join send (bytes and Redis commands, not times)');
    out.push('', bigPostTable(bigPostRows), '');
  }

  if (crowd) {
    out.push(`### A big event's crowd: ${fmtInt(crowd.settings.viewers)} viewers over two Redis nodes, a post with ${fmtInt(crowd.settings.history)} comments`);
    out.push('', crowdTable(crowd), '');
    const { pages, rush, storm } = crowd;
    goals.push(`${mark(pages.latency.p99 <= 150)}  page load at ${crowd.settings.pageLoadsPerS}/s: p99 ${fmtInt(pages.latency.p99)} ms (goal ≤ 150)`);
    // The issue asks that all get in and that the time to the first live event is measured; on one server core
    // the 10 s rush outruns what the core absorbs (see the arrival costs), so the p99 is a figure, not a goal.
    goals.push(`${mark(rush.failed === 0)}  rush: ${rush.failed} failures (goal 0); first live event p99 ${fmtInt(rush.firstLive.p99)} ms on one server core (measured)`);
    goals.push(
      `${mark(storm.resynced === storm.dropped && storm.resync.p99 <= 10_000 && storm.lost === 0)}  storm: ${storm.resynced}/${storm.dropped} resynced, p99 ${fmtInt(storm.resync.p99)} ms, ${storm.lost} lost (goal all, ≤ 10,000, 0)`,
    );
    goals.push(`${mark(storm.live.p99 <= 2_000)}  comment during the storm to connected viewers: p99 ${fmtInt(storm.live.p99)} ms (goal ≤ 2,000)`);
  }

  if (arrival) {
    out.push('### What one arrival costs a node');
    out.push('', arrivalTable(arrival), '');
  }

  if (replayRows) {
    out.push('### Watch later on an event of 20,000 comments: opening replay against reading the whole post');
    out.push('', replayTable(replayRows), '');
  }

  if (shardingRows && shardingSet) {
    out.push('### Redis Cluster: adapter messages per node, classic vs sharded (counts; Redis CPU on a shared machine is indicative)');
    out.push('', shardingTable(shardingRows, shardingSet), '');
  }

  out.push('### Goals');
  out.push('');
  out.push('```');
  out.push(...goals, ...failures);
  if (errors > 0) out.push(`NOTE  the servers logged ${errors} errors (printed above the table)`);
  const contended = [...broadcastRows, ...nodeRows, ...reactionRows, ...(spikeRow ? [spikeRow] : [])].filter(
    (r) => r.serverWaitPct > CONTENDED_PCT || r.loadWaitPct > CONTENDED_PCT,
  ).length;
  if (contended > 0) {
    out.push(
      `NOTE  in ${contended} runs a bench process waited for a CPU more than ${CONTENDED_PCT}% of the time: other work on the ` +
        'machine delayed it, so latencies there are inflated; CPU-time figures are less affected.',
    );
  }
  out.push('```');
  out.push('');
  out.push(`Total bench time: ${((Date.now() - t0) / 1000).toFixed(0)} s.`);
  console.log(`\n${out.join('\n')}`);
}

main().then(
  () => process.exit(0),
  async (err: unknown) => {
    console.error('bench failed:', err);
    await stopAll().catch(() => undefined);
    process.exit(1);
  },
);
