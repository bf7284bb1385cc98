import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../store/memory.js';
import { createReactionCoalescer, windowAfter } from './reaction-coalescer.js';
import type { ReactionOpResult } from '../store/types.js';

const alice = { id: 'u_a', name: 'A' };

/** Holds the event loop for `ms`, as reading a backlog of sockets does. */
function hold(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/** `onWrite` runs as each store call starts, with its number of settings. */
async function setup(flushMs = 50, storeMs = 0, onWrite: (settings: number) => void = () => {}) {
  const store = createMemoryStore();
  await store.createPost({ id: 'p', title: 't', description: '', body: '' });
  const { comment } = await store.addComment({ postId: 'p', parentId: null, body: 'x', author: alice, clientId: 'client-1' });
  const batches: { seq: number; likes: number }[] = [];
  let writes = 0;
  /** When each store call started (performance clock, ms): when its flush began. */
  const flushStarts: number[] = [];
  const counting = {
    ...store,
    applyReactions: (postId: string, ops: Parameters<typeof store.applyReactions>[1]) => {
      writes++;
      flushStarts.push(performance.now());
      onWrite(ops.length);
      hold(storeMs);
      return store.applyReactions(postId, ops);
    },
  };
  const coalescer = createReactionCoalescer({
    store: counting,
    flushMs,
    onBatch: (_postId, seq, totals) => batches.push({ seq, likes: totals[0]!.counts.like }),
  });
  // The coalescer answers by callback; a promise reads better in these tests.
  const submit = (postId: string, op: Parameters<typeof coalescer.submit>[1]) =>
    new Promise<ReactionOpResult>((resolve, reject) => coalescer.submit(postId, op, (_context, err, outcome) => (err ? reject(err) : resolve(outcome!)), null));
  /** A like from `userId` on post p's comment; `onAnswer` runs synchronously in its answer. */
  const click = (userId: string, onAnswer: () => void) =>
    new Promise<void>((resolve) =>
      coalescer.submit('p', { commentId: comment.id, kind: 'like', userId, active: true }, () => (onAnswer(), resolve()), null),
    );
  return { store, coalescer, submit, click, comment, batches, writes: () => writes, flushStarts };
}

describe('reaction coalescer', () => {
  it('stores a burst from many people in a few writes with exact totals', async () => {
    const { submit, comment, batches, writes, store } = await setup();
    const clicks = Array.from({ length: 500 }, (_, i) =>
      submit('p', { commentId: comment.id, kind: 'like', userId: `u${i}`, active: true }),
    );
    const results = await Promise.all(clicks);
    expect(results.every((r) => r.ok)).toBe(true);
    // The first click goes alone (quiet spell), the rest wait for one window.
    expect(writes()).toBeLessThanOrEqual(3);
    expect(batches.at(-1)?.likes).toBe(500);
    expect((await store.listComments('p'))?.comments[0]?.reactions.like).toBe(500);
  });

  it('leaves the people past the batch cap for the next batch, in the order they came', async () => {
    const store = createMemoryStore();
    await store.createPost({ id: 'p', title: 't', description: '', body: '' });
    const { comment } = await store.addComment({ postId: 'p', parentId: null, body: 'x', author: alice, clientId: 'client-1' });
    const written: string[][] = [];
    const recording = {
      ...store,
      applyReactions: (postId: string, ops: Parameters<typeof store.applyReactions>[1]) => {
        written.push(ops.map((op) => op.userId));
        return store.applyReactions(postId, ops);
      },
    };
    const coalescer = createReactionCoalescer({ store: recording, flushMs: 20, onBatch: () => {}, maxBatch: 3 });
    const people = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7'];
    const answers = people.map(
      (userId) =>
        new Promise<ReactionOpResult>((resolve, reject) =>
          coalescer.submit('p', { commentId: comment.id, kind: 'like', userId, active: true }, (_c, err, outcome) => (err ? reject(err) : resolve(outcome!)), null),
        ),
    );
    const results = await Promise.all(answers);
    expect(results.every((r) => r.ok)).toBe(true);
    // At most three a batch (the first one too: a quiet post's first tick is flushed at once), in order.
    expect(written).toEqual([['u1', 'u2', 'u3'], ['u4', 'u5', 'u6'], ['u7']]);
    expect((await store.listComments('p'))?.comments[0]?.reactions.like).toBe(7);
  });

  it('flushes a steadily busy post at most once per window', async () => {
    const { coalescer, submit, comment, writes } = await setup(100);
    const started = Date.now();
    // One click every 10 ms for ~600 ms: a flush empties the queue each time, and
    // the next click must still wait for the window, not flush at once.
    for (let i = 0; i < 60; i++) {
      void submit('p', { commentId: comment.id, kind: 'like', userId: `u${i}`, active: true });
      await new Promise((r) => setTimeout(r, 10));
    }
    await coalescer.drain();
    const windows = Math.ceil((Date.now() - started) / 100) + 1;
    expect(writes()).toBeLessThanOrEqual(windows);
  });

  it("takes a late window's whole backlog in one write, so a busy post never falls behind", async () => {
    const { submit, comment, writes, batches } = await setup();
    // Occupy the window, then let 5,000 people click while it is closed: as if the
    // event loop was late. Capping a flush at 2,000 once left the rest to later
    // windows, and a post clicked faster than that never caught up.
    await submit('p', { commentId: comment.id, kind: 'wow', userId: 'opener', active: true });
    const before = writes();
    await Promise.all(
      Array.from({ length: 5_000 }, (_, i) => submit('p', { commentId: comment.id, kind: 'like', userId: `u${i}`, active: true })),
    );
    expect(writes() - before).toBe(1);
    expect(batches.at(-1)?.likes).toBe(5_000);
  });

  it('keeps the last setting per person within a window and answers every caller with it', async () => {
    const { submit, comment, store } = await setup();
    // Occupy the window so the next three settings share one batch.
    await submit('p', { commentId: comment.id, kind: 'wow', userId: 'other', active: true });
    const op = (active: boolean) => ({ commentId: comment.id, kind: 'like' as const, userId: 'u1', active });
    const answers = await Promise.all([submit('p', op(true)), submit('p', op(false)), submit('p', op(true))]);
    expect(answers.map((a) => a.ok && a.active)).toEqual([true, true, true]);
    expect(await store.myReactions('p', 'u1')).toEqual({ [comment.id]: ['like'] });
  });

  it('fails every caller of a batch when storage fails, and stores nothing', async () => {
    const { submit, comment } = await setup();
    const missing = submit('nope', { commentId: comment.id, kind: 'like', userId: 'u1', active: true });
    await expect(missing).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('starts an overdue flush from the next click when socket reads starve its timer', async () => {
    const { submit, comment, writes } = await setup(50);
    await submit('p', { commentId: comment.id, kind: 'wow', userId: 'opener', active: true });
    await new Promise((r) => setImmediate(r)); // the flush has finished its bookkeeping
    const before = writes();
    void submit('p', { commentId: comment.id, kind: 'like', userId: 'u1', active: true });
    // The loop is busy past the window and the timer's grace (a storm's reads):
    // the timer cannot run, but the next click sees it is late and flushes itself.
    hold(50 + 40);
    void submit('p', { commentId: comment.id, kind: 'like', userId: 'u2', active: true });
    expect(writes() - before).toBe(1);
  });

  it('stretches the window to three times the time flushes take', async () => {
    // Each store call holds the loop 30 ms; with a 10 ms window flushes would
    // otherwise follow each other every ~30 ms and starve everything else.
    const { submit, comment, flushStarts } = await setup(10, 30);
    for (let i = 0; i < 4; i++) await submit('p', { commentId: comment.id, kind: 'like', userId: `u${i}`, active: true });
    // Timed where each flush starts, inside the coalescer: a late timer makes a
    // gap longer, never shorter (the next window counts from that late start).
    // The test's own awaits are no clock for this: one that resumes late
    // shortens the gap after it. 85 and not 90: Date.now() has 1 ms steps.
    expect(flushStarts).toHaveLength(4);
    const gaps = flushStarts.slice(1).map((t, i) => t - flushStarts[i]!);
    for (const gap of gaps.slice(1)) expect(gap).toBeGreaterThanOrEqual(85);
  });

  it("stores a quiet post's first clicks of one tick in one write", async () => {
    // A new queue once looked a window overdue (due "window ms after the epoch"),
    // so its second click flushed at once and split the first tick's clicks.
    const { submit, comment, writes } = await setup(50);
    await Promise.all(['u1', 'u2', 'u3'].map((userId) => submit('p', { commentId: comment.id, kind: 'like', userId, active: true })));
    expect(writes()).toBe(1);
  });

  it('answers a big batch in slices, leaving the event loop free in between', async () => {
    const store = createMemoryStore();
    await store.createPost({ id: 'p', title: 't', description: '', body: '' });
    const { comment } = await store.addComment({ postId: 'p', parentId: null, body: 'x', author: alice, clientId: 'client-1' });
    let answered = 0;
    let answeredWhenLoopRan = -1;
    const total = 3_500;
    const coalescer = createReactionCoalescer({
      store,
      flushMs: 10,
      // Stands for socket reads waiting behind the batch that stores the last click:
      // it runs at the loop's next turn.
      onBatch: (_postId, _seq, totals) => {
        if (totals[0]!.counts.like === total) setImmediate(() => (answeredWhenLoopRan = answered));
      },
    });
    const all = Array.from(
      { length: total },
      (_, i) =>
        new Promise<void>((resolve) =>
          coalescer.submit('p', { commentId: comment.id, kind: 'like', userId: `u${i}`, active: true }, () => (answered++, resolve()), null),
        ),
    );
    await Promise.all(all);
    expect(answered).toBe(total);
    // The loop ran after the first slice and before the last answer.
    expect(answeredWhenLoopRan).toBeGreaterThan(0);
    expect(answeredWhenLoopRan).toBeLessThan(total);
    expect((await store.listComments('p'))!.comments[0]!.reactions.like).toBe(total);
  });

  it('opens the next window while a big batch is still being answered, then finishes that batch at once and answers in order', async () => {
    // Six slices: whichever turn the next batch is stored in, at least two are left then.
    const total = 5_500;
    let answered = 0;
    // Turns of the event loop, counted where immediates run (as answer slices do).
    let turn = 0;
    let counting = true;
    const tick = () => {
      turn++;
      if (counting) setImmediate(tick);
    };
    /** Settings stored, answers given and the loop's turn, as each store call started. */
    const writes: { settings: number; answered: number; turn: number }[] = [];
    /** The turn each of the big batch's answers was given in. */
    const answerTurns: number[] = [];
    // A 50 ms window: long enough that the big batch is one write (a window 25 ms overdue
    // is flushed from the click path, which split it on a busy machine), short beside its answers.
    const { coalescer, click } = await setup(50, 0, (settings) => writes.push({ settings, answered, turn }));
    await click('opener', () => {});
    answered = 0;
    writes.length = 0;
    setImmediate(tick);
    // Each answer holds the loop 50 µs: the batch's six slices take ~275 ms, far longer than its window.
    const big = Array.from({ length: total }, (_, i) =>
      click(`u${i}`, () => {
        hold(0.05);
        answered++;
        answerTurns.push(turn);
      }),
    );
    // A click that comes in while the big batch is being answered.
    let answeredBeforeLate = -1;
    await new Promise<void>((resolve) => {
      const poll = () => (answered > 0 ? resolve() : setImmediate(poll));
      poll();
    });
    const late = click('late', () => (answeredBeforeLate = answered));
    await Promise.all([...big, late]);
    counting = false;
    expect(writes.map((w) => w.settings)).toEqual([total, 1]);
    // Its batch was stored while at least two of the big batch's slices were still to come...
    expect(writes[1]!.answered).toBeLessThanOrEqual(total - 2 * 1_000);
    // ...the rest of those were then given in one turn, not a slice a turn...
    expect(new Set(answerTurns.slice(writes[1]!.answered)).size).toBe(1);
    // ...and its answer came after all of them.
    expect(answeredBeforeLate).toBe(total);
    await coalescer.drain();
  });

  it('gives the next slice of answers from a click when the loop has not let it run', async () => {
    const { submit, click, comment } = await setup(5);
    await submit('p', { commentId: comment.id, kind: 'wow', userId: 'opener', active: true });
    let answered = 0;
    let answeredAfterNudge = -1;
    const big = Array.from({ length: 3_500 }, (_, i) =>
      click(`u${i}`, () => {
        if (++answered !== 1_000) return;
        // Right after the first slice, before the loop could run the next one: as in a
        // turn that reads sockets for long, the next click comes LATE_MS later.
        queueMicrotask(() => {
          hold(30);
          void click('late', () => {});
          answeredAfterNudge = answered;
        });
      }),
    );
    await Promise.all(big);
    // That click gave the second slice at once.
    expect(answeredAfterNudge).toBe(2_000);
  });

  it('sets the window from the median of recent flushes, so one slow flush does not stretch it', () => {
    expect(windowAfter(100, [])).toBe(100);
    // Steadily slow flushes stretch it to three times their time...
    expect(windowAfter(100, [60, 62, 58, 61, 60])).toBe(180);
    // ...one slow flush among fast ones (a collector pause) does not, nor the newest being slow...
    expect(windowAfter(100, [60, 60, 250, 60, 60])).toBe(180);
    expect(windowAfter(100, [60, 250])).toBe(180);
    // ...but a run of them does, and short flushes never shrink it below the configured window.
    expect(windowAfter(100, [60, 60, 250, 240, 260])).toBe(720);
    expect(windowAfter(100, [5, 5, 5])).toBe(100);
  });

  it('tells when the next batch of a post is due: none waiting, waiting for the window, being stored', async () => {
    const store = createMemoryStore();
    await store.createPost({ id: 'p', title: 't', description: '', body: '' });
    const { comment } = await store.addComment({ postId: 'p', parentId: null, body: 'x', author: alice, clientId: 'client-1' });
    /** dueIn as each batch is broadcast. */
    const dueAtBroadcast: (number | null)[] = [];
    const coalescer = createReactionCoalescer({ store, flushMs: 200, onBatch: (postId) => dueAtBroadcast.push(coalescer.dueIn(postId)) });
    const click = (userId: string) =>
      new Promise<void>((resolve) => coalescer.submit('p', { commentId: comment.id, kind: 'like', userId, active: true }, () => resolve(), null));

    expect(coalescer.dueIn('p')).toBeNull();
    // A quiet click flushes at once; answered, the post has nothing waiting.
    await click('u1');
    expect(coalescer.dueIn('p')).toBeNull();
    // The next click waits for the window that opened with that flush.
    const second = click('u2');
    const due = coalescer.dueIn('p');
    expect(due).toBeGreaterThan(0);
    expect(due).toBeLessThanOrEqual(200);
    await second;
    // While a batch is being stored and broadcast, the frame is due now.
    expect(dueAtBroadcast).toEqual([0, 0]);
    await coalescer.drain();
    expect(coalescer.dueIn('p')).toBeNull();
  });
});
