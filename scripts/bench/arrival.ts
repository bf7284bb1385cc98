/**
 * What one arrival costs a node (issue 24): a board node on the Redis engine and
 * a redis-server pinned to one core, a post with a history, and arrivals `concurrency`
 * at a time, step by step, each step `count` times:
 *   page     the shared copy of the post page (ADR 25)
 *   connect  Engine.IO open + Socket.IO connect (handshake, session, handlers)
 *   join     connect + post:join, the first join of a fresh page (a page of threads)
 *   resync   connect + post:join from the page's seq, as the web client does
 * and, as yardsticks, a WebSocket opened to a bare `ws` server and a connect to a
 * Socket.IO server with nothing added (server-child's 'bare' and 'bare-sio').
 * Node CPU per arrival (process.cpuUsage, all threads, through the child's `cpu` call)
 * and redis-server's. No comments are posted: frames are the crowd bench's business.
 * The connections stay open until the end, as a rush's do.
 * Run: node --import tsx scripts/bench/arrival.ts (BENCH_ARRIVALS, BENCH_ARRIVAL_HISTORY).
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { PROTOCOL_VERSION } from '@board/shared';
import { startRedisServer } from '../lib/redis-server.js';
import { describeMachine, pinning, procCpuUs } from './machine.js';
import { spawnChild } from './rpc.js';
import { BENCH_POST_ID, loadPage, pageSeq, sioUrl } from './wire.js';
import { runAlone } from './in-process.js';

export interface ArrivalSettings {
  count: number;
  concurrency: number;
  history: number;
}

export const ARRIVAL_DEFAULTS: ArrivalSettings = { count: 2_000, concurrency: 10, history: 50_000 };

export interface ArrivalStep {
  step: string;
  /** Node CPU per arrival, ms. */
  nodeMs: number;
  /** redis-server CPU per arrival, ms (10 ms resolution over the whole step). */
  redisMs: number;
  /** Wall time per arrival at this concurrency, ms. */
  wallMs: number;
}

export async function runArrivals(root: string, s: ArrivalSettings): Promise<{ settings: ArrivalSettings; steps: ArrivalStep[] }> {
  const pin = pinning(describeMachine());
  const redis = await startRedisServer({ cpu: pin.server });
  const node = spawnChild('node', join(import.meta.dirname, 'server-child.ts'), {
    cpu: pin.server,
    cwd: root,
    // The flags production runs with (scripts/start.sh).
    nodeArgs: ['--max-semi-space-size=128', '--single-threaded-gc'],
  });
  const bare = spawnChild('bare', join(import.meta.dirname, 'server-child.ts'), { cpu: pin.server, cwd: root });
  const bareSio = spawnChild('bare-sio', join(import.meta.dirname, 'server-child.ts'), { cpu: pin.server, cwd: root });
  const sockets: WebSocket[] = [];
  try {
    const { port: barePort } = await bare.call<{ port: number }>('start', { kind: 'bare' }, 60_000);
    const { port: bareSioPort } = await bareSio.call<{ port: number }>('start', { kind: 'bare-sio' }, 60_000);
    const { port } = await node.call<{ port: number }>(
      'start',
      { kind: 'board', redisUrl: redis.url, redisPrefix: 'arrival:', nodeId: 'arrival-0', sessionSecret: `arrival-${Date.now()}-0123456789abcdef0123456789`, rateLimitFactor: 1_000, webHandler: join(root, 'web/build/handler.js') },
      60_000,
    );
    await node.call('seed', { comments: s.history }, 600_000);
    const url = `http://127.0.0.1:${port}/posts/${BENCH_POST_ID}`;
    // A node's first renders load and compile the page's modules: not an arrival's cost.
    for (let i = 0; i < 20; i++) await loadPage(url);
    const at = pageSeq((await loadPage(url)).body);
    if (!at) throw new Error('no seq in the page');

    /** Engine.IO open, Socket.IO connect and, unless `joinFrom` is 'none', post:join; resolves on the join's answer. */
    const arrive = (joinFrom: 'none' | 'first' | { seq: number; totalsVersion: number }, to = port) =>
      new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(sioUrl(to), { perMessageDeflate: false });
        sockets.push(ws);
        ws.on('error', reject);
        ws.on('message', (data: Buffer) => {
          const text = data.toString();
          if (text === '2') return ws.send('3');
          if (text.startsWith('0{')) return ws.send(`40${JSON.stringify({ v: PROTOCOL_VERSION })}`);
          if (text.startsWith('44')) return reject(new Error(`refused: ${text.slice(0, 200)}`));
          if (text.startsWith('40')) {
            if (joinFrom === 'none') return resolve();
            const since = joinFrom === 'first' ? {} : { sinceSeq: joinFrom.seq, sinceTotals: joinFrom.totalsVersion };
            return ws.send(`420${JSON.stringify(['post:join', { postId: BENCH_POST_ID, ...since }])}`);
          }
          if (text.startsWith('430')) resolve();
        });
      });

    const steps: ArrivalStep[] = [];
    const measure = async (step: string, once: () => Promise<unknown>, server = node) => {
      const node0 = (await server.call<{ us: number }>('cpu')).us;
      const redis0 = procCpuUs(redis.pid);
      const t0 = performance.now();
      let started = 0;
      await Promise.all(
        Array.from({ length: s.concurrency }, async () => {
          while (started++ < s.count) await once();
        }),
      );
      const wall = performance.now() - t0;
      const node1 = (await server.call<{ us: number }>('cpu')).us;
      steps.push({ step, nodeMs: (node1 - node0) / s.count / 1_000, redisMs: (procCpuUs(redis.pid) - redis0) / s.count / 1_000, wallMs: wall / s.count });
    };
    const open = () =>
      new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${barePort}/`, { perMessageDeflate: false });
        sockets.push(ws);
        ws.on('error', reject);
        ws.on('open', () => resolve());
      });
    await measure('bare ws: a WebSocket opened (yardstick)', open, bare);
    await measure('bare Socket.IO: connect, nothing added (yardstick)', () => arrive('none', bareSioPort), bareSio);
    await measure('page (the shared copy)', () => loadPage(url));
    await measure('connect (Engine.IO + Socket.IO, no join)', () => arrive('none'));
    await measure('connect + first join (a page of threads)', () => arrive('first'));
    await measure("connect + join from the page's seq", () => arrive(at));
    return { settings: s, steps };
  } finally {
    for (const ws of sockets) ws.terminate();
    await Promise.all([node.stop(), bare.stop(), bareSio.stop()]);
    await redis.dispose();
  }
}

export function arrivalTable(r: { settings: ArrivalSettings; steps: ArrivalStep[] }): string {
  const { count, concurrency, history } = r.settings;
  return [
    `${count.toLocaleString('en-US')} arrivals per step, ${concurrency} at a time, a post with ${history.toLocaleString('en-US')} comments; one node and redis-server on one core.`,
    '',
    '| step | node CPU ms per arrival | redis-server CPU ms | wall ms |',
    '| --- | --- | --- | --- |',
    ...r.steps.map((x) => `| ${x.step} | ${x.nodeMs.toFixed(2)} | ${x.redisMs.toFixed(2)} | ${x.wallMs.toFixed(2)} |`),
  ].join('\n');
}

runAlone(
  import.meta.url,
  'arrival',
  () =>
    runArrivals(join(import.meta.dirname, '..', '..'), {
      ...ARRIVAL_DEFAULTS,
      count: Number(process.env.BENCH_ARRIVALS ?? ARRIVAL_DEFAULTS.count),
      history: Number(process.env.BENCH_ARRIVAL_HISTORY ?? ARRIVAL_DEFAULTS.history),
    }),
  arrivalTable,
);
