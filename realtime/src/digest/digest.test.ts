import { describe, expect, it } from 'vitest';
import type { Comment } from '@board/shared';
import { mostReacted } from './digest.js';

const c = (seq: number, like: number, wow = 0): Comment => ({
  id: `c${seq}`,
  postId: 'p',
  parentId: null,
  rootId: null,
  author: { id: 'u', name: 'U' },
  body: `comment ${seq}`,
  createdAt: 0,
  seq,
  reactions: { like, love: 0, laugh: 0, wow },
  hidden: false,
  deleted: false,
  byFacilitator: false,
  moment: null,
});

describe('the most reacted comments of a digest', () => {
  it('keeps the n with most reactions of every kind, most first, the newer first on a tie', () => {
    const list = [c(1, 5), c(2, 1, 9), c(3, 0), c(4, 5), c(5, 2), c(6, 7)];
    expect(mostReacted(list, 3).map((x) => x.seq)).toEqual([2, 6, 4]);
    expect(mostReacted(list, 0)).toEqual([]);
    expect(mostReacted(list.slice(0, 2), 3).map((x) => x.seq)).toEqual([2, 1]);
  });
});
