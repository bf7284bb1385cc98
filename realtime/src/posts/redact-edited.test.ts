import { describe, expect, it } from 'vitest';
import type { PostEvent } from '@board/shared';
import type { CommentState } from '../store/types.js';
import { redactEvents, textBearingIds } from './redact.js';

describe('redaction of edited events', () => {
  const edited: PostEvent = { type: 'edited', seq: 5, commentId: 'c1', body: 'new words', editedAt: 1 };
  const state = (s: Partial<CommentState>) => new Map([['c1', { authorId: 'u_author', hidden: false, deleted: false, ...s }]]);
  const participant = { userId: 'u_other', role: 'participant' as const };

  it('carries the text of a visible comment, and names it for the states read', () => {
    expect(textBearingIds([edited])).toEqual(['c1']);
    expect(redactEvents([edited], participant, state({}))).toEqual([edited]);
  });

  it('blanks it when the comment is hidden now (but not for its author or facilitators) or deleted', () => {
    expect(redactEvents([edited], participant, state({ hidden: true }))[0]).toMatchObject({ body: '' });
    expect(redactEvents([edited], { userId: 'u_author', role: 'participant' }, state({ hidden: true }))[0]).toMatchObject({ body: 'new words' });
    expect(redactEvents([edited], { userId: 'u_host', role: 'facilitator' }, state({ deleted: true }))[0]).toMatchObject({ body: '' });
    expect(redactEvents([edited], participant, new Map())[0]).toMatchObject({ body: '' });
  });
});
