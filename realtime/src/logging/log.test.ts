import { describe, expect, it } from 'vitest';
import { createLog, lazyChild, type Log, type LogFields } from './log.js';

/** A logger at `level` whose JSON lines land in an array. */
function capture(level: 'info' | 'debug' = 'info') {
  const lines: Record<string, unknown>[] = [];
  const log = createLog(level, { nodeId: 'n1' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines };
}

describe('logs', () => {
  it('writes one JSON object per line with the node id, the bindings and the level', () => {
    const { log, lines } = capture();
    log.child({ socketId: 's1', userId: 'u1' }).child({ event: 'comment:create', postId: 'p1' }).warn('slow', { ms: 12 });
    log.debug('not at info');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, nodeId: 'n1', socketId: 's1', userId: 'u1', event: 'comment:create', postId: 'p1', ms: 12, msg: 'slow' });
  });

  it('never prints a token or a comment body, even when a field holds one', () => {
    const { log, lines } = capture();
    log.child({ token: 'v1.secret-token' }).info('joined', { req: { body: 'my private words', token: 'abc' }, body: 'more words' });
    const text = JSON.stringify(lines);
    expect(text).not.toContain('secret-token');
    expect(text).not.toContain('private words');
    expect(text).not.toContain('more words');
    expect(text).not.toContain('"abc"');
    expect(lines[0]).toMatchObject({ token: '[redacted]', body: '[redacted]', req: { body: '[redacted]', token: '[redacted]' } });
  });

  it('logs an error with its stack, and an unreachable Redis in one line without one', () => {
    const { log, lines } = capture();
    log.error('handler failed', new Error('boom'));
    log.error('flush failed', new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    log.error('beacon', 'a reason');
    expect(lines[0]).toMatchObject({ level: 50, msg: 'handler failed', err: { message: 'boom', type: 'Error' } });
    expect((lines[0]!.err as { stack: string }).stack).toContain('log.test.ts');
    expect(lines[1]).toEqual(expect.objectContaining({ reason: 'connect ECONNREFUSED 127.0.0.1:6379' }));
    expect(lines[1]).not.toHaveProperty('err');
    expect(lines[2]).toMatchObject({ reason: 'a reason' });
  });

  it('makes a lazy child only when it logs', () => {
    const made: LogFields[] = [];
    const { log: inner, lines } = capture();
    const parent: Log = { ...inner, child: (b) => (made.push(b), inner.child(b)) };
    let asked = 0;
    const conn = lazyChild(parent, () => (asked++, { socketId: 's2' }));
    expect(asked).toBe(0);
    conn.info('first');
    conn.info('second');
    expect(asked).toBe(1);
    expect(made).toEqual([{ socketId: 's2' }]);
    expect(lines.map((l) => [l.socketId, l.msg])).toEqual([
      ['s2', 'first'],
      ['s2', 'second'],
    ]);
  });
});
