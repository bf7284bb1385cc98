/**
 * Transcripts: a facilitator's one-minute link downloads the discussion as
 * Markdown (moments as headings, mm:ss stamps, replies indented, hidden and
 * deleted comments left out) or JSON (API shapes), on both engines; anyone
 * else is refused with a typed error in a JSON body. A 20,000-comment event
 * streams with bounded memory: the reader stops a tenth of the way, the server waits on
 * backpressure, and the heap then holds a small part of the file, not all of it.
 */
import { get } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Comment, type TranscriptLink } from '@board/shared';
import { configFrom, createMemoryStore, createRealtime, silentLog, type Store } from '@board/realtime';
import { ask, closeAll, connect, unwrap, type Client } from '../support/clients.js';
import { startBoard, type Board, type Engine } from '../support/board.js';

const T0 = Date.UTC(2026, 0, 1, 20, 0, 0);
const live = { state: 'live' as const, positionMs: 0, changedAt: T0, lengthMs: null };
const alice = { id: 'u_alice', name: 'Alice' };
const bob = { id: 'u_bob', name: 'Bob *the builder*' };

const link = async (socket: Client, postId: string, format: 'md' | 'json'): Promise<string> =>
  (unwrap(await socket.emitWithAck('post:transcript', { postId, format })) as TranscriptLink).url;

describe.each<Engine>(['memory', 'redis'])('transcript of a small event (%s engine)', (engine) => {
  let board: Board;
  let host: Client;
  let n = 0;
  const say = async (author: typeof alice, atS: number, body: string, parentId: string | null = null) =>
    (await board.store.addComment({ postId: 'cup', parentId, body, author, clientId: `seed-${++n}-xxxxxxxx`, createdAt: T0 + atS * 1_000 }))
      .comment;

  beforeAll(async () => {
    board = await startBoard({ engine, redisUrl: inject('redisUrl') });
    host = await connect(board.url, { name: 'Harper' });
    await board.store.createPost({ id: 'cup', title: 'Cup final', hostId: host.session.user.id, hostName: 'Harper', clock: live });
    await board.store.setMoments('cup', [], [
      { id: 'm0', atMs: 0, label: 'Kick-off' },
      { id: 'm1', atMs: 60_000, label: 'Goal #1' },
      { id: 'm2', atMs: 180_000, label: 'Second half' },
    ]);
    const a = await say(alice, 30, 'Here we go! <b>finally</b>');
    await say(bob, 45, 'Two lines:\nsecond line', a.id);
    const hidden = await say(bob, 65, 'What a goal (hidden later)');
    await say(alice, 70, 'Agreed', hidden.id);
    const deleted = await say(alice, 80, 'Deleted later');
    await say(alice, 150, 'Half-time');
    await board.store.setHidden('cup', hidden.id, true);
    await board.store.deleteComment('cup', deleted.id);
  });
  afterAll(async () => {
    closeAll();
    await board.close();
  });

  it('downloads Markdown: moments as headings, stamps, replies indented, hidden and deleted left out', async () => {
    const res = await fetch(board.url + (await link(host, 'cup', 'md')));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="transcript-cup.md"');
    const text = (await res.text()).replace(/exported \S+\./, 'exported <time>.');
    expect(text).toBe(
      [
        '# Cup final',
        '',
        'Transcript of the discussion, exported <time>.',
        '',
        '## 0:00 · Kick-off',
        '',
        '- **Alice** · 0:30: Here we go! \\<b\\>finally\\</b\\>',
        '  - **Bob \\*the builder\\*** · 0:45: Two lines:',
        '    second line',
        '',
        '## 1:00 · Goal \\#1',
        '',
        '- *A removed comment*',
        '  - **Alice** · 1:10: Agreed',
        '- **Alice** · 2:30: Half-time',
        '',
        '## 3:00 · Second half',
        '',
        '',
        '---',
        '',
        '4 comments.',
        '',
      ].join('\n'),
    );
  });

  it('writes a discussion without an event with neither headings nor stamps', async () => {
    await board.store.createPost({ id: 'chat', title: 'Just chat', hostId: host.session.user.id });
    await board.store.addComment({ postId: 'chat', parentId: null, body: 'Hello', author: alice, clientId: 'seed-chat-xxxxxxxx' });
    const text = await (await fetch(board.url + (await link(host, 'chat', 'md')))).text();
    expect(text).toContain('\n- **Alice**: Hello\n');
    expect(text).not.toContain('##');
  });

  it('downloads JSON in the API shapes, in thread order', async () => {
    const res = await fetch(board.url + (await link(host, 'cup', 'json')));
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const body = (await res.json()) as { post: { title: string; moments: unknown[] }; comments: unknown[] };
    expect(body.post.title).toBe('Cup final');
    expect(body.post.moments).toHaveLength(3);
    const comments = body.comments.map((c) => Comment.parse(c));
    expect(comments.map((c) => [c.author.name, c.body, c.moment])).toEqual([
      ['Alice', 'Here we go! <b>finally</b>', 30_000],
      ['Bob *the builder*', 'Two lines:\nsecond line', 45_000],
      ['Alice', 'Agreed', 70_000],
      ['Alice', 'Half-time', 150_000],
    ]);
  });

  it('refuses everyone else with a typed error in a JSON body', async () => {
    const guest = await connect(board.url, { name: 'Guest' });
    expect(await ask(guest, 'post:transcript', { postId: 'cup', format: 'md' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await ask(host, 'post:transcript', { postId: 'cup', format: 'pdf' })).toMatchObject({ ok: false, error: { code: 'INVALID' } });
    const refused = async (path: string, headers: Record<string, string> = {}) => {
      const res = await fetch(board.url + path, { headers });
      return { status: res.status, body: (await res.json()) as unknown };
    };
    // A participant with a genuine session: FORBIDDEN.
    expect(await refused('/api/posts/cup/transcript', { authorization: `Bearer ${guest.session.token}` })).toMatchObject({
      status: 403,
      body: { error: { code: 'FORBIDDEN' } },
    });
    // A co-host's link stops working once the role is taken back: the route checks the role again.
    await board.store.addHost('cup', guest.session.user.id, 'Guest');
    const cohostLink = await link(guest, 'cup', 'md');
    await board.store.removeHost('cup', guest.session.user.id);
    expect(await refused(cohostLink)).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    // The facilitator's session works the same way (an API client's road).
    expect((await fetch(`${board.url}/api/posts/cup/transcript?format=json`, { headers: { authorization: `Bearer ${host.session.token}` } })).status).toBe(200);
    // Nobody, a forged ticket, another post's ticket, a bad format.
    expect(await refused('/api/posts/cup/transcript')).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHENTICATED' } } });
    const good = new URL(board.url + (await link(host, 'cup', 'md'))).searchParams.get('ticket')!;
    expect(await refused(`/api/posts/cup/transcript?ticket=${good.slice(0, -2)}xx`)).toMatchObject({ status: 401 });
    await board.store.createPost({ id: 'other', title: 'Other', hostId: host.session.user.id });
    expect(await refused(`/api/posts/other/transcript?ticket=${encodeURIComponent(good)}`)).toMatchObject({ status: 401 });
    expect(await refused(`/api/posts/cup/transcript?format=pdf&ticket=${encodeURIComponent(good)}`)).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID' } },
    });
  });
});

describe('transcript of a 20,000-comment event (memory engine)', () => {
  const THREADS = 5_000;
  const REPLIES = 3; // 5,000 × (1 + 3) = 20,000 comments
  let reads = 0;
  let store: Store;
  let url = '';
  let close = async () => {};
  let host: Client;

  beforeAll(async () => {
    // The memory store, counting the reads a transcript makes (to see the server stop on backpressure).
    const inner = createMemoryStore();
    store = new Proxy(inner, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver) as unknown;
        if ((key !== 'commentsAfter' && key !== 'readReplies') || typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          reads++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const realtime = createRealtime(
      configFrom({ SESSION_SECRET: 'test-secret-that-is-long-enough-for-hmac-0123456789', RATE_LIMIT_FACTOR: '0', TRANSCRIPT_PAGE: '500' }),
      { log: silentLog, store },
    );
    const port = await realtime.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${port}`;
    close = () => realtime.close();
    host = await connect(url, { name: 'Harper' });
    await inner.createPost({ id: 'big', title: 'Big final', hostId: host.session.user.id, clock: live });
    const body = (i: number) => `Comment ${i}: `.padEnd(400, 'lorem ipsum dolor sit amet ');
    let i = 0;
    for (let t = 0; t < THREADS; t++) {
      const at = T0 + t * 1_000;
      const root = await inner.addComment({ postId: 'big', parentId: null, body: body(i), author: alice, clientId: `seed-${i++}-xxxx`, createdAt: at });
      for (let r = 0; r < REPLIES; r++) {
        await inner.addComment({ postId: 'big', parentId: root.comment.id, body: body(i), author: bob, clientId: `seed-${i++}-xxxx`, createdAt: at + 500 });
      }
    }
  }, 60_000);
  afterAll(async () => {
    closeAll();
    await close();
  });

  it('streams with bounded memory, respecting backpressure', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const heap = () => {
      gc();
      return process.memoryUsage();
    };
    const path = await link(host, 'big', 'json');
    const before = heap();

    let bytes = 0;
    let lines = 0;
    let peakRss = before.rss;
    const { res, halfway } = await new Promise<{ res: import('node:http').IncomingMessage; halfway: number }>((resolve, reject) => {
      get(url + path, (res) => {
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          for (const b of chunk) if (b === 10) lines++;
          peakRss = Math.max(peakRss, process.memoryUsage().rss);
          // A tenth of the way: stop reading, as a slow disk or network would.
          if (lines >= 2_000) {
            res.pause();
            res.removeAllListeners('data');
            resolve({ res, halfway: bytes });
          }
        });
      }).on('error', reject);
    });
    // The server goes on until the sockets' buffers are full, then waits for 'drain': its reads stop.
    let last = -1;
    while (reads !== last) {
      last = reads;
      await new Promise((r) => setTimeout(r, 200));
    }
    const paused = heap();
    const readsWhilePaused = reads;

    // The rest of the file.
    res.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      for (const b of chunk) if (b === 10) lines++;
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    });
    res.resume();
    await new Promise((r) => res.on('end', r));
    const after = heap();

    const mb = (x: number) => `${(x / 1_048_576).toFixed(1)} MB`;
    // Buffers queued in a response live outside the JS heap: count both.
    const held = (m: NodeJS.MemoryUsage) => m.heapUsed + m.external;
    console.log(
      `transcript of 20,000 comments: ${mb(bytes)} streamed; paused at ${mb(halfway)} after ${readsWhilePaused} store reads: ` +
        `heap and buffers +${mb(held(paused) - held(before))}, rss +${mb(paused.rss - before.rss)}; ` +
        `peak rss +${mb(peakRss - before.rss)}; after: heap and buffers +${mb(held(after) - held(before))}; ${reads} store reads in all`,
    );
    // Every comment, one per line, plus the opening and closing lines.
    expect(lines).toBe(THREADS * (1 + REPLIES) + 2);
    // The server stopped before the end and waited for the reader (the kernel's socket
    // buffers, a few MB on loopback, hold what it wrote meanwhile; they are not the heap).
    expect(readsWhilePaused).toBeLessThan(reads - 200);
    // What the heap holds while the reader waits is a small part of the 8 MB file, not the file.
    expect(held(paused) - held(before)).toBeLessThan(bytes / 4);
  }, 60_000);
});
