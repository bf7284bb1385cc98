import { describe, expect, it } from 'vitest';
import { createSessionSigner } from './tokens.js';

const SECRET = 'unit-test-secret-that-is-long-enough-0123456789';
const DAY = 86_400_000;

describe('session tokens', () => {
  it('round-trips a session, keeping when it began across re-issues', () => {
    let t = 1_000_000;
    const signer = createSessionSigner(SECRET, 30 * DAY, () => t);
    const minted = signer.mint();
    const first = signer.sign({ user: { ...minted.user, name: 'Ana' }, since: minted.since });
    t += DAY;
    const again = signer.verify(first);
    expect(again).toEqual({ user: { id: minted.user.id, name: 'Ana' }, since: 1_000_000 });
    expect(signer.verify(signer.sign(again as Exclude<typeof again, 'expired' | null>))).toMatchObject({ since: 1_000_000 });
  });

  it('refuses a signature with anything appended, and any other secret', () => {
    const signer = createSessionSigner(SECRET, 30 * DAY);
    const token = signer.sign(signer.mint());
    // Node's base64url decoder skips these, so a byte comparison alone would accept them.
    for (const junk of ['=', '==', '!', '~', ' ', '.', 'A']) expect(signer.verify(token + junk), junk).toBeNull();
    expect(signer.verify(` ${token}`)).toBeNull();
    expect(signer.verify(token.replace('.', '=.'))).toBeNull();
    expect(createSessionSigner(`${SECRET}x`, 30 * DAY).verify(token)).toBeNull();
    expect(signer.verify(token)).not.toBeNull();
  });

  it("says 'expired' for a token issued longer ago than the lifetime", () => {
    let t = 5 * DAY;
    const signer = createSessionSigner(SECRET, 30 * DAY, () => t);
    const token = signer.sign(signer.mint());
    t += 30 * DAY;
    expect(signer.verify(token)).not.toBe('expired');
    t += 1;
    expect(signer.verify(token)).toBe('expired');
  });
});
