/**
 * The content attacks of issue 21, run as an attacker would (raw
 * socket.io-clients) against two nodes on one Redis, with the real rate
 * limits. Each prints one line saying what got through; every count must be 0.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import { createRedisStore, redisOptions } from '@board/realtime';
import { startNode, type NodeProcess } from '../support/node-process.js';
import { ask, closeAll, connect, postComment, unwrap, type Client } from '../support/clients.js';
import { uniquePrefix } from '../support/board.js';

/** The budgets in realtime/src/limits/rate-limits.ts, at RATE_LIMIT_FACTOR 1. */
const JOIN_PER_ADDRESS = 200;
const JOIN_PER_CONNECTION = 12;
const JOIN_WINDOW_MS = 10_000;
const MOD_PER_PERSON = 30;
/** Threads per page (PAGE_THREADS' default in realtime/src/config.ts). */
const PAGE_THREADS = 30;

/** A join as the web client makes it: refused for now, it asks again after the wait the refusal names. */
async function joinAsClient(socket: Client, postId: string, sinceSeq?: number) {
  for (let attempt = 0; ; attempt++) {
    const res = await socket.emitWithAck('post:join', sinceSeq === undefined ? { postId } : { postId, sinceSeq });
    if (res.ok || res.error.code !== 'RATE_LIMITED' || attempt === 3) return unwrap(res);
    await new Promise((r) => setTimeout(r, res.error.retryAfterMs));
  }
}

const report = (attack: string, gotThrough: number, detail: string) =>
  console.log(`abuse: ${attack.padEnd(34)} got through: ${gotThrough}  (${detail})`);

describe('content abuse against two nodes on one Redis', () => {
  let a: NodeProcess;
  let b: NodeProcess;
  let host: Client;
  let hostOnB: Client;
  const prefix = uniquePrefix();

  beforeAll(async () => {
    const env = { REDIS_URL: inject('redisUrl'), REDIS_PREFIX: prefix, RATE_LIMIT_FACTOR: '1' };
    [a, b] = await Promise.all([startNode({ ...env, NODE_ID: 'abuse-a' }), startNode({ ...env, NODE_ID: 'abuse-b' })]);
    host = await connect(a.url, { name: 'Hana Host' });
    hostOnB = await connect(b.url, { token: host.session.token });
  });
  afterAll(async () => {
    closeAll();
    await Promise.all([a?.kill('SIGTERM'), b?.kill('SIGTERM')]);
  });

  // First: its window starts with it (the address's join budget is shared by every attack here).
  it('looping joins are refused past the per-connection and per-address budgets', async () => {
    // Its own host: one person may start only three discussions in ten minutes.
    const starter = await connect(a.url, { name: 'Flood Host' });
    const { post } = unwrap(await starter.emitWithAck('post:create', { title: 'Join flood' }));
    // Twenty sockets a node, each wanting 20 joins: 12 each pass the connection budget, 240 a node, more
    // than the address budget lets through, so both budgets are put to work.
    const sockets = await Promise.all(Array.from({ length: 40 }, (_, i) => connect(i % 2 === 0 ? a.url : b.url)));
    const started = Date.now();
    const accepted = await Promise.all(
      sockets.map(async (s) => {
        let ok = 0;
        for (let i = 0; i < 20; i++) {
          if ((await s.emitWithAck('post:join', { postId: post.id })).ok) ok++;
          await s.emitWithAck('post:leave', { postId: post.id });
        }
        return ok;
      }),
    );
    const windows = 1 + Math.floor((Date.now() - started) / JOIN_WINDOW_MS);
    const total = accepted.reduce((x, y) => x + y, 0);
    const overConnection = accepted.reduce((sum, n) => sum + Math.max(0, n - JOIN_PER_CONNECTION), 0);
    // The address budget is counted in each node (a join is a bounded read, like a page): two nodes, twice it.
    const overAddress = Math.max(0, total - JOIN_PER_ADDRESS * 2 * windows);
    report('looping joins', overConnection + overAddress, `${total} of 800 joins accepted from one address over 2 nodes, budget 2 × ${JOIN_PER_ADDRESS}`);
    expect(overConnection + overAddress).toBe(0);
    // Within one window the address budget is what binds, to the join: not a join fewer either.
    if (windows === 1) expect(total).toBe(2 * JOIN_PER_ADDRESS);
  });

  it('a join on a long post sends the newest page, not the post', async () => {
    // The post: 600 comments of 5,000 characters (3 MB), within every limit. Written
    // straight through a store on the nodes' Redis: through sockets the comment budgets would
    // take an hour, which is the point of them.
    const store = createRedisStore({ redis: new Redis(inject('redisUrl'), redisOptions), prefix, ownsConnection: true });
    const post = await store.createPost({ title: 'Three megabytes of discussion' });
    const body = 'x'.repeat(5_000);
    for (let i = 0; i < 600; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, k) =>
          store.addComment({ postId: post.id, parentId: null, body, author: { id: `u_long_${i + k}`, name: 'Long Writer' }, clientId: `long-${i + k}` }),
        ),
      );
    }
    await store.close();
    const viewer = await connect(b.url);
    const answer = await joinAsClient(viewer, post.id);
    const sent = JSON.stringify(answer).length;
    const history = 600 * body.length;
    expect(answer.mode).toBe('snapshot');
    const threads = answer.mode === 'snapshot' ? answer.page.threads.length : 0;
    const beyondPage = Math.max(0, threads - PAGE_THREADS);
    report('snapshot of a 3 MB post', beyondPage, `one join sent ${Math.round(sent / 1_000)} KB for ${Math.round(history / 1_000)} KB of history: ${threads} threads`);
    expect(threads).toBe(PAGE_THREADS);
    expect(beyondPage).toBe(0);
    // Thirty 5,000-character threads plus their framing: a page, never the history.
    expect(sent).toBeLessThan(PAGE_THREADS * body.length * 1.2);
  });

  it('hidden and deleted text never comes back through a replay', async () => {
    const author = await connect(a.url, { name: 'Ana Author' });
    let leaks = 0;
    let reads = 0;
    for (const steps of [['hide'], ['hide', 'restore', 'delete']] as const) {
      const { post } = unwrap(await host.emitWithAck('post:create', { title: `Replay ${steps.join(' ')}` }));
      const secret = `secret-${Math.random().toString(36).slice(2)}`;
      const c = await postComment(author, post.id, secret);
      for (const step of steps) {
        const mod = step === 'delete' ? ask(hostOnB, 'mod:delete', { postId: post.id, commentId: c.id }) : ask(hostOnB, 'mod:hide', { postId: post.id, commentId: c.id, hidden: step === 'hide' });
        unwrap(await mod);
      }
      // A participant on either node asks for every starting point around the comment.
      for (const url of [a.url, b.url]) {
        const snooper = await connect(url);
        for (const since of [undefined, 0, c.seq - 1, c.seq, c.seq + 1]) {
          reads++;
          if (JSON.stringify(await joinAsClient(snooper, post.id, since)).includes(secret)) leaks++;
          await snooper.emitWithAck('post:leave', { postId: post.id });
        }
        reads++;
        if ((await (await fetch(`${url}/api/posts/${post.id}`)).text()).includes(secret)) leaks++;
      }
    }
    report('replay of hidden/deleted text', leaks, `${reads} snapshot, replay and API reads by participants`);
    expect(leaks).toBe(0);
  });

  it('a pin-toggle flood neither gets past the moderation budget nor pushes the record out of the log', async () => {
    const { post, facilitatorToken } = unwrap(await host.emitWithAck('post:create', { title: 'Toggle flood' }));
    const cohost = await connect(b.url, { name: 'Cora Cohost' });
    unwrap(await cohost.emitWithAck('post:claim', { postId: post.id, token: facilitatorToken }));
    const troll = await connect(a.url, { name: 'Troll' });
    const victim = await postComment(troll, post.id, 'delete me');
    const target = await postComment(troll, post.id, 'toggle me');
    unwrap(await host.emitWithAck('mod:delete', { postId: post.id, commentId: victim.id }));
    unwrap(await host.emitWithAck('mod:ban', { postId: post.id, userId: troll.session.user.id, banned: true }));
    // 520 toggles from both of the host's connections at once, one on each node.
    const results = await Promise.all(
      Array.from({ length: 520 }, (_, i) =>
        (i % 2 === 0 ? host : hostOnB).emitWithAck('mod:pin', { postId: post.id, commentId: target.id, pinned: i % 4 < 2 }),
      ),
    );
    const accepted = results.filter((r) => r.ok).length;
    const log = unwrap(await host.emitWithAck('mod:log', { postId: post.id }));
    const missing = ['delete', 'ban', 'claim'].filter((action) => !log.some((e) => e.action === action)).length;
    const overBudget = Math.max(0, accepted - 2 * MOD_PER_PERSON); // the 10 s window may turn once
    report('pin-toggle flood vs the log', overBudget + missing, `${accepted} of 520 toggles accepted; delete, ban, claim kept: ${3 - missing} of 3`);
    expect(overBudget + missing).toBe(0);
  });

  it('a stale facilitator link stops working after a rotation', async () => {
    const creator = await connect(b.url, { name: 'Rita Rotator' });
    const creatorOnA = await connect(a.url, { token: creator.session.token });
    const { post, facilitatorToken } = unwrap(await creator.emitWithAck('post:create', { title: 'Rotation' }));
    const cohost = await connect(a.url, { name: 'Kept The Link' });
    unwrap(await cohost.emitWithAck('post:claim', { postId: post.id, token: facilitatorToken }));
    unwrap(await creatorOnA.emitWithAck('mod:remove-host', { postId: post.id, userId: cohost.session.user.id }));
    unwrap(await creator.emitWithAck('mod:rotate-link', { postId: post.id }));
    let admitted = 0;
    for (const url of [a.url, b.url]) {
      const again = await connect(url, { token: cohost.session.token });
      if ((await again.emitWithAck('post:claim', { postId: post.id, token: facilitatorToken })).ok) admitted++;
      const stranger = await connect(url, { name: 'Found The Link' });
      if ((await stranger.emitWithAck('post:claim', { postId: post.id, token: facilitatorToken })).ok) admitted++;
    }
    report('stale facilitator link', admitted, '4 claims with the old link after rotation, on both nodes');
    expect(admitted).toBe(0);
  });
});
