import { describe, expect, it } from 'vitest';
import type { Comment, PostEvent } from '@board/shared';
import { redactEvents, redactFor, textBearingIds } from './redact.js';
import type { CommentState } from '../store/types.js';

const comment = (over: Partial<Comment> = {}): Comment => ({
  id: 'c1',
  postId: 'p',
  parentId: null,
  rootId: null,
  author: { id: 'u_author', name: 'Ana' },
  body: 'the words',
  createdAt: 1,
  seq: 1,
  reactions: { like: 0, love: 0, laugh: 0, wow: 0 },
  byFacilitator: false,
  hidden: false,
  deleted: false,
  moment: null,
  ...over,
});

const participant = { userId: 'u_other', role: 'participant' as const };
const author = { userId: 'u_author', role: 'participant' as const };
const facilitator = { userId: 'u_host', role: 'facilitator' as const };

describe('redaction', () => {
  it('blanks hidden text for everyone but its author and facilitators, and deleted text for everyone', () => {
    const hidden = comment({ hidden: true });
    const deleted = comment({ id: 'c2', deleted: true, body: 'left over' });
    expect(redactFor([hidden, deleted], participant).map((c) => c.body)).toEqual(['', '']);
    expect(redactFor([hidden, deleted], author).map((c) => c.body)).toEqual(['the words', '']);
    expect(redactFor([hidden, deleted], facilitator).map((c) => c.body)).toEqual(['the words', '']);
  });

  it('judges stored events by the comment as it is now, and treats an unknown comment as deleted', () => {
    const events: PostEvent[] = [
      { type: 'comment', seq: 1, comment: comment() },
      { type: 'hidden', seq: 2, commentId: 'c1' },
      { type: 'restored', seq: 3, commentId: 'c1', body: 'the words' },
      { type: 'comment', seq: 4, comment: comment({ id: 'c9', seq: 4 }) },
    ];
    expect(textBearingIds(events)).toEqual(['c1', 'c9']);
    const hiddenNow = new Map<string, CommentState>([['c1', { authorId: 'u_author', hidden: true, deleted: false }]]);
    const forParticipant = JSON.stringify(redactEvents(events, participant, hiddenNow));
    expect(forParticipant).not.toContain('the words');
    expect(JSON.stringify(redactEvents(events, author, hiddenNow)).match(/the words/g)).toHaveLength(2);
    expect(JSON.stringify(redactEvents(events, facilitator, hiddenNow)).match(/the words/g)).toHaveLength(2);
    const deletedNow = new Map<string, CommentState>([['c1', { authorId: 'u_author', hidden: false, deleted: true }]]);
    expect(JSON.stringify(redactEvents(events, facilitator, deletedNow))).not.toContain('the words');
  });
});
