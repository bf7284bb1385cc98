/**
 * Big post figures that do not depend on machine load: bytes and Redis
 * commands, not times. A post of 50,000 comments (and one of 5,000, to show
 * what grows with history and what does not), written straight through the
 * store; then, per engine:
 *   - the server-rendered page: HTML bytes (its data is inlined) and the
 *     page's data on its own (`__data.json`, what a client-side navigation loads);
 *   - the join snapshot a socket receives (JSON bytes of the ack);
 *   - Redis commands per join (INFO commandstats before and after, on the
 *     bench's own redis-server; commands run inside scripts count one by one);
 *   - for contrast, the whole post as one JSON list (what a join sent before pages).
 * Run alone: `pnpm bench --only=bigpost` (or node --import tsx scripts/bench/bigpost.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import type { JoinResult } from '@board/shared';
import { seedBigPost, type RealtimeDeps } from '@board/realtime';
import { freePort } from '../lib/redis-server.js';
import { ask, runAlone, sessionSocket, withBoard } from './in-process.js';

export interface BigPostRow {
  engine: 'memory' | 'redis';
  comments: number;
  /** Server-rendered page, uncompressed bytes; null without a web build. */
  htmlBytes: number | null;
  dataBytes: number | null;
  joinBytes: number;
  /** Redis commands one join ran (null on the memory engine). */
  joinCommands: number | null;
  joinCommandsByName: Record<string, number> | null;
  wholePostBytes: number;
}

const SIZES = [5_000, 50_000];

async function commandStats(redis: Redis): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const line of (await redis.info('commandstats')).split('\n')) {
    const m = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim());
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

async function joinOnce(url: string, postId: string): Promise<JoinResult> {
  const socket = await sessionSocket(url);
  try {
    return await ask<JoinResult>(socket, 'post:join', { postId });
  } finally {
    socket.disconnect();
  }
}

export async function runBigPost(root: string, say: (line: string) => void = console.log): Promise<BigPostRow[]> {
  const handlerPath = join(root, 'web/build/handler.js');
  const rows: BigPostRow[] = [];
  // One port for both boards, one after the other: the page handler reads the API's address once, when it loads.
  const port = await freePort();
  process.env.REALTIME_INTERNAL_URL = `http://127.0.0.1:${port}`;
  for (const engine of ['memory', 'redis'] as const) {
    const webHandler = existsSync(handlerPath)
      ? ((await import(pathToFileURL(handlerPath).href)) as { handler: NonNullable<RealtimeDeps['webHandler']> }).handler
      : undefined;
    await withBoard(
      engine,
      async ({ realtime, url, redisUrl }) => {
        const stats = redisUrl ? new Redis(redisUrl) : null;
        try {
          for (const comments of SIZES) {
            const postId = `big-${comments}`;
            const t0 = performance.now();
            await seedBigPost(realtime.store, { comments, postId });
            say(`  bigpost ${engine}: seeded ${comments.toLocaleString('en-US')} comments in ${((performance.now() - t0) / 1_000).toFixed(1)} s`);
            await joinOnce(url, postId); // warm: scripts loaded, session paths taken
            const before = stats ? await commandStats(stats) : null;
            const snapshot = await joinOnce(url, postId);
            const after = stats ? await commandStats(stats) : null;
            let joinCommands: number | null = null;
            let byName: Record<string, number> | null = null;
            if (before && after) {
              byName = {};
              joinCommands = 0;
              for (const [name, calls] of after) {
                // The INFO that read the "before" figures is counted in "after".
                const delta = calls - (before.get(name) ?? 0) - (name === 'info' ? 1 : 0);
                if (delta > 0) {
                  byName[name] = delta;
                  joinCommands += delta;
                }
              }
            }
            const page = webHandler ? await fetch(`${url}/posts/${postId}`) : null;
            const data = webHandler ? await fetch(`${url}/posts/${postId}/__data.json`) : null;
            const whole = await realtime.store.listComments(postId);
            rows.push({
              engine,
              comments,
              htmlBytes: page?.ok ? Buffer.byteLength(await page.text()) : null,
              dataBytes: data?.ok ? Buffer.byteLength(await data.text()) : null,
              joinBytes: Buffer.byteLength(JSON.stringify(snapshot)),
              joinCommands,
              joinCommandsByName: byName,
              wholePostBytes: Buffer.byteLength(JSON.stringify(whole?.comments ?? [])),
            });
          }
        } finally {
          stats?.disconnect();
        }
      },
      { port, webHandler },
    );
  }
  return rows;
}

const kb = (n: number | null) => (n === null ? 'n/a' : `${(n / 1024).toFixed(1)} KB`);

export function bigPostTable(rows: BigPostRow[]): string {
  const lines = [
    '| engine | comments | page HTML (data inlined) | page data alone | join snapshot | Redis commands per join | whole post (before pages) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.engine} | ${r.comments.toLocaleString('en-US')} | ${kb(r.htmlBytes)} | ${kb(r.dataBytes)} | ${kb(r.joinBytes)} | ` +
        `${r.joinCommands ?? 'n/a'} | ${kb(r.wholePostBytes)} |`,
    );
  }
  const redis = rows.filter((r) => r.joinCommandsByName);
  if (redis.length > 0) {
    lines.push('', 'Redis commands of one join, by name:');
    for (const r of redis) {
      const parts = Object.entries(r.joinCommandsByName!)
        .sort((a, b) => b[1] - a[1])
        .map(([name, n]) => `${name} ${n}`);
      lines.push(`- ${r.comments.toLocaleString('en-US')} comments: ${parts.join(', ')}`);
    }
  }
  return lines.join('\n');
}

runAlone(import.meta.url, 'bigpost', () => runBigPost(join(import.meta.dirname, '..', '..')), bigPostTable);
