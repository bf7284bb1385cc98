/**
 * Session tokens have a lifetime: an expired one is refused at the handshake
 * with UNAUTHENTICATED (the client then starts a fresh session); one in use is
 * renewed on every connection.
 */
import { describe, expect, it } from 'vitest';
import { createSessionSigner } from '@board/realtime';
import { connect } from '../support/clients.js';
import { boardForSuite } from '../support/suite-board.js';

// The secret tests/support/board.ts gives every board.
const SECRET = 'test-secret-that-is-long-enough-for-hmac-0123456789';
const DAY = 86_400_000;

describe('session lifetime', () => {
  const board = boardForSuite('memory', ['p'], { SESSION_TTL_S: String(30 * 86_400) });

  it('refuses an expired token with UNAUTHENTICATED, and a fresh visit still gets in', async () => {
    const past = createSessionSigner(SECRET, 30 * DAY, () => Date.now() - 31 * DAY);
    const old = past.sign({ user: { id: 'u_old_timer', name: 'Olga' }, since: Date.now() - 40 * DAY });
    const refused = await connect(board.url, { token: old }).then(
      () => null,
      (err: Error & { data?: { code?: string } }) => err,
    );
    expect(refused?.data?.code).toBe('UNAUTHENTICATED');
    expect(refused?.message).toMatch(/expired/);
    const fresh = await connect(board.url);
    expect(fresh.session.user.id).not.toBe('u_old_timer');
  });

  it('renews a token in use: the session event carries a newly issued one for the same person', async () => {
    const earlier = createSessionSigner(SECRET, 30 * DAY, () => Date.now() - 29 * DAY);
    const token = earlier.sign({ user: { id: 'u_regular', name: 'Rey' }, since: Date.now() - 200 * DAY });
    const back = await connect(board.url, { token });
    expect(back.session.user).toEqual({ id: 'u_regular', name: 'Rey' });
    // A day later than its first issue + 30 days, the renewed token still verifies; the old one would not.
    const later = createSessionSigner(SECRET, 30 * DAY, () => Date.now() + 2 * DAY);
    expect(later.verify(back.session.token)).toMatchObject({ user: { id: 'u_regular' } });
    expect(later.verify(token)).toBe('expired');
  });
});
