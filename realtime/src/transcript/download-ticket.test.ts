import { describe, expect, it } from 'vitest';
import { createTicketSigner } from './download-ticket.js';

describe('transcript download tickets', () => {
  let now = 1_000_000;
  const tickets = createTicketSigner('secret', 60_000, () => now);

  it('name their person for their post until they expire', () => {
    const t = tickets.sign('p1', 'u_alice');
    expect(tickets.verify(t, 'p1')).toBe('u_alice');
    expect(tickets.verify(t, 'p2')).toBeNull();
    now += 60_001;
    expect(tickets.verify(t, 'p1')).toBeNull();
  });

  it('refuse anything altered or signed with another secret', () => {
    const t = tickets.sign('p1', 'u_alice');
    expect(tickets.verify(t.replace('u_alice', 'u_bobby'), 'p1')).toBeNull();
    expect(tickets.verify(t.replace(/\.(\d+)\./, (_m, e: string) => `.${Number(e) + 1}.`), 'p1')).toBeNull();
    expect(createTicketSigner('other', 60_000, () => now).verify(t, 'p1')).toBeNull();
    expect(tickets.verify(undefined, 'p1')).toBeNull();
    expect(tickets.verify('junk', 'p1')).toBeNull();
  });
});
