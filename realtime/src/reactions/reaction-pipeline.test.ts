/**
 * The reaction pipeline on fake timers: every assertion follows from the
 * window, never from how fast the machine is.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PostTotals, ReactionReceipt, ReactionSetResult, Result } from '@board/shared';
import { createMemoryStore } from '../store/memory.js';
import type { ReactionOp, Store } from '../store/types.js';
import { silentLog } from '../socket/handle.js';
import { createReactionPipeline, type ReactionPipeline, type ReceiptBox } from './reaction-pipeline.js';

const FLUSH_MS = 100;

/** What happened, in order: store calls, broadcasts, acks and receipts frames. */
type Happened =
  | { what: 'store'; ops: ReactionOp[] }
  | { what: 'totals'; totals: PostTotals }
  | { what: 'ack'; who: string; res: Result<ReactionSetResult> }
  | { what: 'receipts'; who: string; receipts: ReactionReceipt[] };

let store: Store;
let log: Happened[];
let commentId: string;

function pipelineWith(
  opts: { maxBatch?: number; applyReactions?: Store['applyReactions']; broadcast?: (totals: PostTotals) => void } = {},
): ReactionPipeline {
  const apply = opts.applyReactions ?? store.applyReactions.bind(store);
  return createReactionPipeline({
    store: {
      applyReactions: (postId, ops) => {
        log.push({ what: 'store', ops });
        return apply(postId, ops);
      },
    },
    flushMs: FLUSH_MS,
    maxBatch: opts.maxBatch ?? 1_000,
    broadcast: opts.broadcast ? (_postId, totals) => opts.broadcast!(totals) : (_postId, totals) => log.push({ what: 'totals', totals }),
    log: silentLog,
  });
}

const op = (userId: string, active = true, kind: ReactionOp['kind'] = 'like'): ReactionOp => ({ commentId, kind, userId, active });
const ack = (who: string) => ({ ack: (res: Result<ReactionSetResult>) => log.push({ what: 'ack', who, res }) });
const box = (who: string): ReceiptBox => ({ send: (receipts) => log.push({ what: 'receipts', who, receipts }) });
const kinds = () => log.map((h) => h.what);

beforeEach(async () => {
  vi.useFakeTimers();
  log = [];
  store = createMemoryStore();
  await store.createPost({ id: 'p', title: 'P' });
  ({
    comment: { id: commentId },
  } = await store.addComment({ postId: 'p', parentId: null, body: 'x', author: { id: 'a', name: 'A' }, clientId: 'cid-0001' }));
});

afterEach(() => {
  vi.useRealTimers();
});

describe('reaction pipeline', () => {
  it('stores the clicks of one window in one call, broadcasts the totals once, then answers', async () => {
    const pipeline = pipelineWith();
    pipeline.submit('p', op('u1'), ack('u1'));
    await vi.advanceTimersByTimeAsync(FLUSH_MS - 1);
    pipeline.submit('p', op('u2'), ack('u2'));
    expect(log).toEqual([]);

    await vi.advanceTimersByTimeAsync(1);
    expect(kinds()).toEqual(['store', 'totals', 'ack', 'ack']);
    expect(log[0]).toEqual({ what: 'store', ops: [op('u1'), op('u2')] });
    const counts = { like: 2, love: 0, laugh: 0, wow: 0 };
    expect(log[1]).toEqual({ what: 'totals', totals: { version: 1, totals: [{ commentId, counts }] } });
    expect(log[2]).toEqual({ what: 'ack', who: 'u1', res: { ok: true, data: { active: true, counts, version: 1 } } });

    // The window opened by the first click; a click after the flush opens the next one.
    pipeline.submit('p', op('u3'), ack('u3'));
    await vi.advanceTimersByTimeAsync(FLUSH_MS - 1);
    expect(kinds()).toHaveLength(4);
    await vi.advanceTimersByTimeAsync(1);
    expect(kinds()).toHaveLength(7);
  });

  it('keeps the last setting per person, comment and kind, and answers every click with it', async () => {
    const pipeline = pipelineWith();
    const [u1, u2] = [box('u1'), box('u2')];
    pipeline.submit('p', op('u1', true), { receipts: u1, ref: 1 });
    pipeline.submit('p', op('u2', true, 'wow'), { receipts: u2, ref: 1 });
    pipeline.submit('p', op('u1', false), { receipts: u1, ref: 2 });
    pipeline.submit('p', op('u1', true, 'love'), { receipts: u1, ref: 3 });
    pipeline.submit('p', op('u1', true), ack('u1-ack'));
    await vi.advanceTimersByTimeAsync(FLUSH_MS);

    // One op per (person, comment, kind), in the order each was first clicked, with its last setting.
    expect(log[0]).toEqual({ what: 'store', ops: [op('u1', true), op('u2', true, 'wow'), op('u1', true, 'love')] });
    const counts = { like: 1, love: 1, laugh: 0, wow: 1 };
    const stored = { ok: true, data: { active: true, counts, version: 1 } };
    // Acks per click; receipts in one frame per connection, each click under its ref.
    expect(log.slice(1)).toEqual([
      { what: 'totals', totals: { version: 1, totals: [{ commentId, counts }] } },
      { what: 'ack', who: 'u1-ack', res: stored },
      { what: 'receipts', who: 'u1', receipts: [{ ref: 1, result: stored }, { ref: 2, result: stored }, { ref: 3, result: stored }] },
      { what: 'receipts', who: 'u2', receipts: [{ ref: 1, result: stored }] },
    ]);
  });

  it('sends one receipts frame per connection per flush, refs in the order the settings were stored', async () => {
    const pipeline = pipelineWith();
    const mine = box('me');
    pipeline.submit('p', op('me', true, 'like'), { receipts: mine, ref: 1 });
    pipeline.submit('p', op('me', true, 'wow'), { receipts: mine, ref: 2 });
    pipeline.submit('p', op('me', false, 'like'), { receipts: mine, ref: 3 });
    await vi.advanceTimersByTimeAsync(FLUSH_MS);
    pipeline.submit('p', op('me', true, 'laugh'), { receipts: mine, ref: 4 });
    await vi.advanceTimersByTimeAsync(FLUSH_MS);

    const frames = log.filter((h) => h.what === 'receipts');
    expect(frames.map((f) => f.receipts.map((r) => r.ref))).toEqual([[1, 3, 2], [4]]);
    expect(frames[0]!.receipts[1]!.result).toMatchObject({ ok: true, data: { active: false } });
  });

  it('stores at most maxBatch settings per flush; the rest go in the next windows, in order', async () => {
    const pipeline = pipelineWith({ maxBatch: 2 });
    for (const u of ['u1', 'u2', 'u3', 'u4', 'u5']) pipeline.submit('p', op(u), ack(u));
    await vi.advanceTimersByTimeAsync(FLUSH_MS);
    expect(log.filter((h) => h.what === 'store')).toEqual([{ what: 'store', ops: [op('u1'), op('u2')] }]);
    await vi.advanceTimersByTimeAsync(FLUSH_MS);
    await vi.advanceTimersByTimeAsync(FLUSH_MS);
    const calls = log.filter((h) => h.what === 'store').map((h) => h.ops.map((o) => o.userId));
    expect(calls).toEqual([['u1', 'u2'], ['u3', 'u4'], ['u5']]);
    expect(log.filter((h) => h.what === 'ack').map((h) => h.who)).toEqual(['u1', 'u2', 'u3', 'u4', 'u5']);
  });

  it('runs one flush per post at a time; the next window opens when it ends', async () => {
    let release!: () => void;
    const slow: Store['applyReactions'] = async (postId, ops) => {
      await new Promise<void>((resolve) => (release = resolve));
      return store.applyReactions(postId, ops);
    };
    const pipeline = pipelineWith({ applyReactions: slow });
    pipeline.submit('p', op('u1'), ack('u1'));
    await vi.advanceTimersByTimeAsync(FLUSH_MS);
    pipeline.submit('p', op('u2'), ack('u2'));
    await vi.advanceTimersByTimeAsync(5 * FLUSH_MS);
    expect(kinds()).toEqual(['store']);

    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(kinds()).toEqual(['store', 'totals', 'ack']);
    await vi.advanceTimersByTimeAsync(FLUSH_MS - 1);
    expect(kinds()).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(kinds()).toEqual(['store', 'totals', 'ack', 'store', 'totals', 'ack']);
  });

  it('broadcasts nothing when a flush changed nothing, and still answers', async () => {
    const pipeline = pipelineWith();
    pipeline.submit('p', op('u1', false), ack('u1'));
    pipeline.submit('p', { ...op('u2'), commentId: 'gone' }, ack('u2'));
    await vi.advanceTimersByTimeAsync(FLUSH_MS);
    expect(kinds()).toEqual(['store', 'ack', 'ack']);
    expect(log[2]).toMatchObject({ what: 'ack', res: { ok: false, error: { code: 'NOT_FOUND' } } });
  });

  it('answers everyone in a failed flush with the error and broadcasts nothing', async () => {
    const failing: Store['applyReactions'] = () => Promise.reject(new Error('Connection is closed.'));
    const pipeline = pipelineWith({ applyReactions: failing });
    pipeline.submit('p', op('u1'), ack('u1'));
    pipeline.submit('p', op('u1', false), ack('u1 again'));
    pipeline.submit('p', op('u2'), { receipts: box('u2'), ref: 7 });
    await vi.advanceTimersByTimeAsync(FLUSH_MS);
    const unavailable = { ok: false, error: { code: 'UNAVAILABLE', message: expect.any(String) } };
    expect(log.slice(1)).toEqual([
      { what: 'ack', who: 'u1', res: unavailable },
      { what: 'ack', who: 'u1 again', res: unavailable },
      { what: 'receipts', who: 'u2', receipts: [{ ref: 7, result: unavailable }] },
    ]);
  });

  it('answers a stored flush as stored even when its broadcast throws', async () => {
    const pipeline = pipelineWith({
      broadcast: () => {
        throw new Error('adapter down');
      },
    });
    pipeline.submit('p', op('u1'), ack('u1'));
    await vi.advanceTimersByTimeAsync(FLUSH_MS);
    expect(log[1]).toMatchObject({ what: 'ack', who: 'u1', res: { ok: true, data: { active: true } } });
  });

  it('drains: stores and answers what is pending without waiting for the window, then refuses', async () => {
    const pipeline = pipelineWith();
    pipeline.submit('p', op('u1'), ack('u1'));
    await pipeline.drain();
    expect(kinds()).toEqual(['store', 'totals', 'ack']);
    pipeline.submit('p', op('u2'), ack('u2'));
    expect(log[3]).toMatchObject({ what: 'ack', who: 'u2', res: { ok: false, error: { code: 'UNAVAILABLE' } } });
    await vi.advanceTimersByTimeAsync(10 * FLUSH_MS);
    expect(kinds()).toEqual(['store', 'totals', 'ack', 'ack']);
  });

  it('drains a flush in flight and what came in meanwhile', async () => {
    let release!: () => void;
    const slow: Store['applyReactions'] = async (postId, ops) => {
      await new Promise<void>((resolve) => (release = resolve));
      return store.applyReactions(postId, ops);
    };
    const pipeline = pipelineWith({ applyReactions: slow });
    pipeline.submit('p', op('u1'), ack('u1'));
    await vi.advanceTimersByTimeAsync(FLUSH_MS);
    pipeline.submit('p', op('u2'), ack('u2'));
    const drained = pipeline.drain();
    release();
    await vi.advanceTimersByTimeAsync(0);
    release();
    await drained;
    expect(log.filter((h) => h.what === 'ack').map((h) => h.who)).toEqual(['u1', 'u2']);
    expect((await store.listComments('p'))?.comments[0]?.reactions.like).toBe(2);
  });
});
