/**
 * Opening "watch later" on a big event (issue 25): an event post with 20,000
 * comments stamped over two hours, written straight through the store; then, per
 * engine, viewers open replay at 1:00:00 as the web client does (a replay join,
 * then one page of the moment range from ten minutes back to the prefetch window
 * ahead) and the figures are the time and bytes until the first comments can
 * show, against reading the whole post (what a client that hid comments ahead
 * of its playhead on screen would have had to load).
 * Run alone: node --import tsx scripts/bench/replay.ts (BENCH_REPLAY_COMMENTS, BENCH_REPLAY_OPENS).
 */
import { performance } from 'node:perf_hooks';
import { REPLAY_PREFETCH_MS, type JoinResult, type RangePage } from '@board/shared';
import type { Store } from '@board/realtime';
import { ask, runAlone, sessionSocket, withBoard } from './in-process.js';
import { Samples, type LatencySummary } from './stats.js';

const HOUR = 3_600_000;
/** Where the viewer opens replay, and how far back its list starts (web/src/lib/replay: BACKFILL_MS). */
const PLAYHEAD_MS = HOUR;
const BACKFILL_MS = 10 * 60_000;

export interface ReplayRow {
  engine: 'memory' | 'redis';
  comments: number;
  open: LatencySummary;
  openBytes: number;
  firstPageComments: number;
  whole: LatencySummary;
  wholeBytes: number;
}

async function seedEvent(store: Store, postId: string, comments: number): Promise<void> {
  const start = Date.now() - 2 * HOUR;
  await store.createPost({ id: postId, title: 'A finished premiere', clock: { state: 'live', positionMs: 0, changedAt: start, lengthMs: null } });
  const step = (2 * HOUR) / comments;
  for (let i = 0; i < comments; i += 64) {
    await Promise.all(
      Array.from({ length: Math.min(64, comments - i) }, (_, k) =>
        store.addComment({
          postId,
          parentId: null,
          body: `Moment ${i + k}: what everyone saw at this point of the episode.`,
          author: { id: `u_${(i + k) % 500}`, name: `Viewer ${(i + k) % 500}` },
          clientId: `seed-${i + k}`,
          createdAt: Math.round(start + (i + k) * step),
        }),
      ),
    );
  }
}

/** A replay join and the first page of the range the web client asks first: ms and bytes of both answers. */
async function openReplay(url: string, postId: string): Promise<{ ms: number; bytes: number; comments: number }> {
  const started = performance.now();
  const socket = await sessionSocket(url);
  try {
    const joined = await ask<JoinResult>(socket, 'post:join', { postId, replay: true });
    const page = await ask<RangePage>(socket, 'post:range', { postId, fromMs: PLAYHEAD_MS - BACKFILL_MS, toMs: PLAYHEAD_MS + REPLAY_PREFETCH_MS });
    const ms = performance.now() - started;
    // The answers as they travel: { ok, data }.
    const bytes = Buffer.byteLength(JSON.stringify({ ok: true, data: joined })) + Buffer.byteLength(JSON.stringify({ ok: true, data: page }));
    return { ms, bytes, comments: page.comments.length };
  } finally {
    socket.disconnect();
  }
}

export async function runReplay(say: (line: string) => void = console.log, comments = 20_000, opens = 50): Promise<ReplayRow[]> {
  const rows: ReplayRow[] = [];
  for (const engine of ['memory', 'redis'] as const) {
    const row = await withBoard(engine, async ({ realtime, url }) => {
      const postId = 'replay-event';
      const t0 = performance.now();
      await seedEvent(realtime.store, postId, comments);
      say(`  replay ${engine}: seeded ${comments.toLocaleString('en-US')} stamped comments in ${((performance.now() - t0) / 1_000).toFixed(1)} s`);
      await openReplay(url, postId); // warm: scripts loaded, code compiled
      const open = new Samples();
      const whole = new Samples();
      let last = { ms: 0, bytes: 0, comments: 0 };
      let wholeBytes = 0;
      for (let i = 0; i < opens; i++) {
        last = await openReplay(url, postId);
        open.add(last.ms);
        // The baseline, in the same run: the whole post read and serialised (no network; it only adds).
        const w0 = performance.now();
        const all = await realtime.store.listComments(postId);
        wholeBytes = Buffer.byteLength(JSON.stringify(all?.comments ?? []));
        whole.add(performance.now() - w0);
      }
      return { engine, comments, open: open.summary(), openBytes: last.bytes, firstPageComments: last.comments, whole: whole.summary(), wholeBytes };
    });
    rows.push(row);
  }
  return rows;
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const ms = (n: number) => `${n.toFixed(1)} ms`;

export function replayTable(rows: ReplayRow[]): string {
  return [
    '| engine | comments | open replay at 1:00:00 → first comments, p50 / p99 | bytes before they show (comments in the page) | whole post: read + serialise p50 / p99, bytes |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.engine} | ${r.comments.toLocaleString('en-US')} | ${ms(r.open.p50)} / ${ms(r.open.p99)} | ${kb(r.openBytes)} (${r.firstPageComments}) | ` +
        `${ms(r.whole.p50)} / ${ms(r.whole.p99)}, ${kb(r.wholeBytes)} |`,
    ),
  ].join('\n');
}

runAlone(
  import.meta.url,
  'replay bench',
  () => runReplay(console.log, Number(process.env.BENCH_REPLAY_COMMENTS ?? 20_000), Number(process.env.BENCH_REPLAY_OPENS ?? 50)),
  replayTable,
);
