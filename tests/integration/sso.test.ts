/**
 * Signed identities: a host's token becomes a board session marked "verified
 * by <host>", every kind of bad token is refused with its own code, and a
 * facilitator can let only verified people comment and/or react (guests still read).
 */
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { UnsecuredJWT } from 'jose';
import type { ErrorCode, IdentityPolicy } from '@board/shared';
import { ask, clientId, closeAll, connect, join, postComment, snapshotComments, unwrap, type Client } from '../support/clients.js';
import { startBoard, type Board, type Engine } from '../support/board.js';
import { AUDIENCE, RSA_PUBLIC_PEM, SSO_HOSTS, hostToken } from '../support/sso-host.js';

const env = { SSO_HOSTS, SSO_TOKEN_MAX_AGE_S: '600', SSO_CLOCK_TOLERANCE_S: '5' };

/** Exchanges a host token and connects again with the board session it gave, as the web client does. */
async function signIn(url: string, token: string): Promise<Client> {
  const guest = await connect(url);
  const info = unwrap(await guest.emitWithAck('session:sso', { token }));
  guest.disconnect();
  return connect(url, { token: info.token });
}

describe('signed identities: the exchange and its refusals', () => {
  let board: Board;
  beforeAll(async () => {
    board = await startBoard({ engine: 'memory', env });
  });
  afterEach(closeAll);
  afterAll(() => board.close());

  it('turns a host token into a verified session that survives a reconnect, the same person on every device', async () => {
    const picture = 'https://cdn.fanzine.example/rita.png';
    const rita = await signIn(board.url, await hostToken({ claims: { picture } }));
    expect(rita.session.user).toMatchObject({ name: 'Rita Reader', verifiedBy: 'Fanzine', picture });
    expect(rita.session.user.id).toMatch(/^v/);
    const again = await signIn(board.url, await hostToken());
    expect(again.session.user.id).toBe(rita.session.user.id);
    // Another host's user with the same sub is another person.
    const other = await signIn(board.url, await hostToken({ iss: 'club' }));
    expect(other.session.user).toMatchObject({ verifiedBy: 'Film Club' });
    expect(other.session.user.id).not.toBe(rita.session.user.id);
    expect((await signIn(board.url, await hostToken({ iss: 'stream' }))).session.user).toMatchObject({ verifiedBy: 'Streamer' });

    // The name is the host's: a verified person cannot rename themselves here.
    expect(await ask(rita, 'session:rename', { name: 'Someone Else' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    // Their comments carry the mark, for everyone.
    const host = await connect(board.url, { name: 'Hana Host' });
    const postId = unwrap(await host.emitWithAck('post:create', { title: 'Premiere' })).post.id;
    await join(rita, postId);
    await join(host, postId);
    const c = await postComment(rita, postId, 'Hello from the fanzine');
    expect(c.author).toEqual({ id: rita.session.user.id, name: 'Rita Reader', verifiedBy: 'Fanzine', picture });
    expect(snapshotComments(await join(await connect(board.url), postId))[0]!.author).toMatchObject({ verifiedBy: 'Fanzine' });
  });

  const cases: [string, () => Promise<string>, ErrorCode][] = [
    ['expired (exp passed)', () => hostToken({ iatIn: -120, expIn: -60 }), 'TOKEN_EXPIRED'],
    ['issued longer ago than SSO_TOKEN_MAX_AGE_S, however long its exp', () => hostToken({ iatIn: -3_600, expIn: 3_600 }), 'TOKEN_EXPIRED'],
    ['not yet valid (nbf ahead)', () => hostToken({ nbfIn: 120 }), 'TOKEN_NOT_YET_VALID'],
    ['issued in the future', () => hostToken({ iatIn: 120, expIn: 300 }), 'TOKEN_NOT_YET_VALID'],
    ['for another audience', () => hostToken({ aud: 'some-other-board' }), 'TOKEN_WRONG_AUDIENCE'],
    ['alg none', async () => new UnsecuredJWT({ sub: 'x', name: 'Eve' }).setIssuer('fanzine').setAudience(AUDIENCE).setIssuedAt().setExpirationTime('5m').encode(), 'TOKEN_WRONG_ALGORITHM'],
    [
      'HS256 signed with the RSA host\'s public key as the secret',
      () => hostToken({ iss: 'club', alg: 'HS256', key: new TextEncoder().encode(RSA_PUBLIC_PEM) }),
      'TOKEN_WRONG_ALGORITHM',
    ],
    ['RS256 for an HS256 host', () => hostToken({ iss: 'fanzine', alg: 'RS256' }), 'TOKEN_WRONG_ALGORITHM'],
    ['forged: signed with another secret', () => hostToken({ key: new TextEncoder().encode('not-the-fanzine-secret-0123456789abcdef') }), 'TOKEN_BAD_SIGNATURE'],
    ['forged: the payload changed after signing', async () => {
      const [h, , s] = (await hostToken()).split('.');
      const body = Buffer.from(JSON.stringify({ iss: 'fanzine', aud: AUDIENCE, sub: 'admin', name: 'Admin', iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 60, role: 'facilitator' })).toString('base64url');
      return `${h}.${body}.${s}`;
    }, 'TOKEN_BAD_SIGNATURE'],
    ['from an unknown host', () => hostToken({ iss: 'nobody' }), 'TOKEN_UNKNOWN_HOST'],
    ['with an http picture', () => hostToken({ claims: { picture: 'http://cdn.example/a.png' } }), 'TOKEN_MALFORMED'],
    ['with a javascript: picture', () => hostToken({ claims: { picture: 'javascript:alert(1)' } }), 'TOKEN_MALFORMED'],
    ['without a name', () => hostToken({ claims: { name: undefined } }), 'TOKEN_MALFORMED'],
    ['not a JWT', async () => 'not.a.jwt', 'TOKEN_MALFORMED'],
  ];
  it.each(cases)('refuses a token %s, and the socket stays a guest', async (_label, make, code) => {
    const guest = await connect(board.url);
    const res = await ask(guest, 'session:sso', { token: await make() });
    expect(res).toMatchObject({ ok: false, error: { code } });
    expect(guest.session.user.verifiedBy).toBeUndefined();
  });

  it('treats a session of a host the board no longer trusts as a fresh guest', async () => {
    const rita = await signIn(board.url, await hostToken());
    const without = await startBoard({ engine: 'memory', env: { SSO_HOSTS: '[]' } });
    try {
      const back = await connect(without.url, { token: rita.session.token });
      expect(back.session.user.verifiedBy).toBeUndefined();
      expect(back.session.user.id).not.toBe(rita.session.user.id);
    } finally {
      await without.close();
    }
  });
});

describe.each<Engine>(['memory', 'redis'])('require verified identities (%s engine)', (engine) => {
  let board: Board;
  beforeAll(async () => {
    board = await startBoard({ engine, redisUrl: inject('redisUrl'), env: { ...env, SSO_POLICY_CACHE_MS: '60000' } });
  });
  afterEach(closeAll);
  afterAll(() => board.close());

  const setup = async () => {
    const host = await connect(board.url, { name: 'Hana Host' });
    const postId = unwrap(await host.emitWithAck('post:create', { title: 'Finale' })).post.id;
    const guest = await connect(board.url, { name: 'Gus Guest' });
    const rita = await signIn(board.url, await hostToken());
    for (const c of [host, guest, rita]) await join(c, postId);
    const first = await postComment(host, postId, 'Welcome');
    return { host, guest, rita, postId, first };
  };
  const react = (c: Client, postId: string, commentId: string) => ask(c, 'reaction:set', { postId, commentId, kind: 'like', active: true });
  const comment = (c: Client, postId: string) => ask(c, 'comment:create', { postId, parentId: null, body: 'hi', clientId: clientId() });

  it('comments: guests are refused with VERIFIED_REQUIRED and nothing stored; verified people, facilitators and guests\' reactions go through', async () => {
    const { host, guest, rita, postId, first } = await setup();
    const heard = new Promise<IdentityPolicy>((resolve) => guest.once('post:policy', (_postId, policy) => resolve(policy)));
    expect(unwrap(await host.emitWithAck('mod:identity', { postId, verifiedToComment: true }))).toEqual({ verifiedToComment: true, verifiedToReact: false, host: null });
    expect(await heard).toMatchObject({ verifiedToComment: true });
    const before = (await board.store.listComments(postId))!.seq;
    expect(await comment(guest, postId)).toMatchObject({ ok: false, error: { code: 'VERIFIED_REQUIRED' } });
    expect((await board.store.listComments(postId))!.seq).toBe(before);
    expect(await comment(rita, postId)).toMatchObject({ ok: true });
    expect(await comment(host, postId)).toMatchObject({ ok: true });
    expect(await react(guest, postId, first.id)).toMatchObject({ ok: true });
    // Guests still read: a fresh one joins and gets the comments.
    expect(snapshotComments(await join(await connect(board.url), postId))).toHaveLength(3);
    expect(unwrap(await guest.emitWithAck('post:policy', { postId }))).toMatchObject({ verifiedToComment: true });
  });

  it('reactions: guests are refused with VERIFIED_REQUIRED and no count moves; verified people and facilitators react', async () => {
    const { host, guest, rita, postId, first } = await setup();
    unwrap(await host.emitWithAck('mod:identity', { postId, verifiedToReact: true }));
    expect(await react(guest, postId, first.id)).toMatchObject({ ok: false, error: { code: 'VERIFIED_REQUIRED' } });
    expect(await react(rita, postId, first.id)).toMatchObject({ ok: true, data: { counts: { like: 1 } } });
    expect(await react(host, postId, first.id)).toMatchObject({ ok: true, data: { counts: { like: 2 } } });
    expect(await comment(guest, postId)).toMatchObject({ ok: true });
    // And off again: the guest's click counts.
    unwrap(await host.emitWithAck('mod:identity', { postId, verifiedToReact: false }));
    expect(await react(guest, postId, first.id)).toMatchObject({ ok: true, data: { counts: { like: 3 } } });
  });

  it('only a facilitator changes the policy', async () => {
    const { guest, rita, postId } = await setup();
    for (const c of [guest, rita]) {
      expect(await ask(c, 'mod:identity', { postId, verifiedToComment: true })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(await board.store.identityPolicy(postId)).toMatchObject({ verifiedToComment: false });
    expect(await ask(guest, 'mod:identity', { postId })).toMatchObject({ ok: false, error: { code: 'INVALID' } });
  });

  it("a host-signed facilitator facilitates that host's events only", async () => {
    const { host, postId } = await setup();
    const boss = await signIn(board.url, await hostToken({ claims: { sub: 'editor-1', name: 'Ed Editor', role: 'facilitator' } }));
    const clubBoss = await signIn(board.url, await hostToken({ iss: 'club', claims: { sub: 'editor-1', name: 'Cleo Club', role: 'facilitator' } }));
    expect((await join(boss, postId)).role).toBe('participant');
    unwrap(await host.emitWithAck('mod:identity', { postId, host: 'fanzine' }));
    expect((await join(boss, postId)).role).toBe('facilitator');
    expect((await join(clubBoss, postId)).role).toBe('participant');
    // A fanzine reader without the role stays a participant.
    expect((await join(await signIn(board.url, await hostToken()), postId)).role).toBe('participant');
  });
});
