/**
 * The identity attacks of docs/security.md, run against two nodes on one Redis
 * with the shipped budgets (RATE_LIMIT_FACTOR 1). Every client shares one
 * address, 127.0.0.1, as one attacker's scripts would. Each attack prints what
 * got through past the defence; every figure must be zero.
 */
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { createSessionSigner } from '@board/realtime';
import { clientId, closeAll, connect, join, postComment, unwrap, type Client } from '../support/clients.js';
import { startBoard, uniquePrefix, type Board } from '../support/board.js';

// The secret tests/support/board.ts gives every board.
const SECRET = 'test-secret-that-is-long-enough-for-hmac-0123456789';
const DAY = 86_400_000;

const report: string[] = [];
const through = (attack: string, detail: string, count: number) => {
  report.push(`${attack.padEnd(34)} ${detail} → got through: ${count}`);
  return count;
};

/** Two nodes sharing one Redis and key prefix, with real budgets. */
async function cluster(env: Record<string, string> = {}): Promise<[Board, Board]> {
  const shared = { engine: 'redis' as const, redisUrl: inject('redisUrl'), prefix: uniquePrefix(), env: { RATE_LIMIT_FACTOR: '1', ...env } };
  const one = await startBoard({ ...shared, nodeId: 'abuse-a' });
  const two = await startBoard({ ...shared, nodeId: 'abuse-b' });
  open.push(one, two);
  return [one, two];
}
const open: Board[] = [];

/** Opens `n` sockets on alternating nodes, `batch` at a time; refused ones are counted, not thrown. */
async function crowd(nodes: Board[], n: number, opts: { name?: (i: number) => string } = {}, batch = 100) {
  const accepted: Client[] = [];
  let refused = 0;
  for (let i = 0; i < n; i += batch) {
    const tries = await Promise.allSettled(
      Array.from({ length: Math.min(batch, n - i) }, (_, j) =>
        connect(nodes[(i + j) % nodes.length]!.url, { name: opts.name?.(i + j) }),
      ),
    );
    for (const t of tries) {
      if (t.status === 'fulfilled') accepted.push(t.value);
      else refused++;
    }
  }
  return { accepted, refused };
}

const comment = (s: Client, postId: string, body: string) =>
  s.emitWithAck('comment:create', { postId, parentId: null, body, clientId: clientId() });

async function hostedPost(board: Board) {
  const host = await connect(board.url, { name: 'Hana Host' });
  const created = unwrap(await host.emitWithAck('post:create', { title: 'Finale' }));
  await join(host, created.post.id);
  return { host, postId: created.post.id, secret: created.facilitatorToken };
}

describe('identity abuse against two nodes on Redis', () => {
  afterEach(async () => {
    closeAll();
    await Promise.all(open.splice(0).map((b) => b.close()));
  });
  afterAll(() => {
    console.log(`\nIdentity attacks (docs/security.md):\n${report.map((l) => `  ${l}`).join('\n')}\n`);
  });

  it('X-Forwarded-For rotation cannot buy fresh per-address budgets', async () => {
    // New-session budgets off here, so the per-address comment budget (60 per 10 s) is what holds.
    const [a, b] = await cluster({ TRUST_PROXY: '1', NEW_SESSION_S: '0' });
    await a.store.createPost({ id: 'p', title: 'P' });
    const people = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        connect((i % 2 ? b : a).url, { name: `Rotor ${i}`, headers: { 'x-forwarded-for': `192.0.2.${i + 1}, 127.0.0.1` } }),
      ),
    );
    await Promise.all(people.flatMap((s, i) => Array.from({ length: 6 }, (_, k) => comment(s, 'p', `rotor ${i}.${k}`))));
    const stored = (await a.store.listComments('p'))!.comments.length;
    expect(through('XFF rotation (30 × 6 comments)', `stored ${stored} of 180, budget 60`, Math.max(0, stored - 60))).toBe(0);
  });

  it('a flood of fresh sessions cannot move a reaction total', async () => {
    const [a, b] = await cluster();
    const { host, postId } = await hostedPost(a);
    const target = await postComment(host, postId, 'press love');
    // 390 named fresh sessions, under the connection cap (200 per node).
    const { accepted } = await crowd([a, b], 390, { name: (i) => `Fresh ${i}` });
    // Joins past the address's join budget are refused too (RATE_LIMITED); those sessions may not react at all.
    await Promise.all(accepted.map((s) => s.emitWithAck('post:join', { postId })));
    await Promise.all(accepted.map((s) => s.emitWithAck('reaction:set', { postId, commentId: target.id, kind: 'love', active: true })));
    const love = (await a.store.listComments(postId))!.comments.find((c) => c.id === target.id)!.reactions.love;
    // 25 different people per address per comment per node.
    expect(through('fresh-session reaction flood', `${accepted.length} sessions moved love by ${love}, budget 2 × 25`, Math.max(0, love - 50))).toBe(0);
  });

  it('fresh sessions cannot get around slow mode', async () => {
    const [a, b] = await cluster();
    const { host, postId } = await hostedPost(a);
    unwrap(await host.emitWithAck('mod:settings', { postId, slowModeSeconds: 60 }));
    const { accepted } = await crowd([a, b], 6, { name: (i) => `Slow ${i}` });
    const res = await Promise.all(accepted.map((s, i) => comment(s, postId, `slow ${i}`)));
    const ok = res.filter((r) => r.ok).length;
    expect(through('fresh-session slow-mode bypass', `${ok} of 6 posted in one interval, budget 1`, Math.max(0, ok - 1))).toBe(0);
  });

  it('a removed person reconnecting without a token is still removed', async () => {
    const [a, b] = await cluster();
    const { host, postId } = await hostedPost(a);
    const target = await postComment(host, postId, 'host comment');
    const troll = await connect(b.url, { name: 'Troll' });
    await postComment(troll, postId, 'rude');
    unwrap(await host.emitWithAck('mod:ban', { postId, userId: troll.session.user.id, banned: true, withAddress: true }));
    troll.disconnect();
    let got = 0;
    for (const node of [a, b]) {
      const back = await connect(node.url, { name: `Someone New ${node.realtime.nodeId}` });
      if ((await join(back, postId)).role !== 'removed') got++;
      if ((await comment(back, postId, 'back again')).ok) got++;
      if ((await back.emitWithAck('reaction:set', { postId, commentId: target.id, kind: 'like', active: true })).ok) got++;
    }
    expect(through('removed person, fresh session', '2 nodes × (join role, comment, reaction)', got)).toBe(0);
  });

  it('bad facilitator-link guesses cannot lock the real link out, and are limited', async () => {
    const [a, b] = await cluster();
    const { postId, secret } = await hostedPost(a);
    const guesser = await connect(a.url);
    let unlimited = 0;
    for (let i = 0; i < 30; i++) {
      const res = await guesser.emitWithAck('post:claim', { postId, token: `wrong-guess-${i}-xxxxxxxxxxxxxxxx` });
      if (i >= 20 && !(!res.ok && res.error.code === 'RATE_LIMITED')) unlimited++;
    }
    const cohost = await connect(b.url, { name: 'Cody' });
    const claim = await cohost.emitWithAck('post:claim', { postId, token: secret });
    const lockedOut = claim.ok ? 0 : 1;
    expect(through('claim guesses', `30 bad guesses: ${unlimited} unlimited past 20; real link locked out ${lockedOut}`, unlimited + lockedOut)).toBe(0);
  });

  it('2,000 sockets from one address are not all accepted, and "watching" does not say 2,000', async () => {
    const [a, b] = await cluster();
    await a.store.createPost({ id: 'crowd', title: 'Crowd' });
    const { accepted, refused } = await crowd([a, b], 2_000, {}, 200);
    // Joins past the address's join budget are refused (RATE_LIMITED): they only lower "watching".
    await Promise.all(accepted.map((s) => s.emitWithAck('post:join', { postId: 'crowd' })));
    const watching = (await a.store.viewers(['crowd'])).crowd ?? 0;
    // 200 per address per node.
    expect(
      through('2,000 sockets', `accepted ${accepted.length}, refused ${refused}, watching ${watching}, cap 2 × 200`, Math.max(0, accepted.length - 400) + Math.max(0, watching - 400)),
    ).toBe(0);
    expect(refused).toBeGreaterThanOrEqual(1_600);
  });

  it('forged, junk-appended and expired tokens do not pass as the person', async () => {
    const [a, b] = await cluster();
    const victim = await connect(a.url, { name: 'Victim' });
    const token = victim.session.token;
    const forged = createSessionSigner(`${SECRET}-not-ours`, 30 * DAY).sign({ user: { id: victim.session.user.id, name: 'Victim' }, since: Date.now() });
    const expired = createSessionSigner(SECRET, 30 * DAY, () => Date.now() - 31 * DAY).sign({
      user: { id: victim.session.user.id, name: 'Victim' },
      since: Date.now() - 40 * DAY,
    });
    let got = 0;
    for (const [i, t] of [forged, `${token}=`, `${token}!`, `${token}~`, expired].entries()) {
      const s = await connect((i % 2 ? b : a).url, { token: t }).catch(() => null);
      if (s && s.session.user.id === victim.session.user.id) got++;
    }
    expect(through('forged / junk / expired tokens', '5 tokens naming the victim', got)).toBe(0);
  });
});
