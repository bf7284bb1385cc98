import { describe, expect, it } from 'vitest';
import { candidateMoments, reachedThrough, waitingIds, type Waitable } from './stream-wait.js';

const ME = 'u_me';
const c = (id: string, moment: number | null, author = 'u_other', parentId: string | null = null): Waitable => ({
  id,
  comment: { parentId, moment, author: { id: author } },
});

describe('comments waiting for a viewer stream', () => {
  const entries = [
    c('before', null),
    c('a', 10_000),
    c('b', 40_000),
    c('mine', 50_000, ME),
    c('reply-to-b', 20_000, 'u_other', 'b'),
    c('my-reply-to-a', 60_000, ME, 'a'),
    c('c', 40_000),
    c('d', 90_000),
    c('reply-to-d', null, 'u_other', 'd'),
  ];

  it('holds others’ comments stamped after the playhead, and every reply under one; never mine, never unstamped', () => {
    const through = reachedThrough(candidateMoments(entries, ME), 30_000);
    expect(through).toBe(20_000);
    expect([...waitingIds(entries, through, ME)]).toEqual(['b', 'reply-to-b', 'c', 'd', 'reply-to-d']);
  });

  it('lets comments through as the playhead reaches their moment, ties together', () => {
    const moments = candidateMoments(entries, ME);
    expect(moments).toEqual([10_000, 20_000, 40_000, 40_000, 90_000]);
    expect(reachedThrough(moments, 39_999)).toBe(20_000);
    expect(reachedThrough(moments, 40_000)).toBe(40_000);
    expect([...waitingIds(entries, 40_000, ME)]).toEqual(['d', 'reply-to-d']);
    expect(waitingIds(entries, reachedThrough(moments, 90_000), ME).size).toBe(0);
  });

  it('holds every stamped comment of others before the playhead reaches the first', () => {
    const through = reachedThrough(candidateMoments(entries, ME), 5_000);
    expect(through).toBe(-Infinity);
    expect(waitingIds(entries, through, ME).has('a')).toBe(true);
    expect(waitingIds(entries, through, ME).has('before')).toBe(false);
    expect(waitingIds(entries, through, ME).has('mine')).toBe(false);
  });
});
