import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createSharedPages } from './shared-pages.js';

/** A node in miniature: shared pages in front of an "app" that counts its renders and can be held open. */
async function board(opts: { ttlMs?: number; maxEntries?: number; status?: number; setCookie?: boolean } = {}) {
  let t = 1_000_000;
  let origin: string | null = null;
  let renders = 0;
  let release: () => void = () => {};
  let held: Promise<void> | null = null;
  const shared = createSharedPages({ ttlMs: opts.ttlMs ?? 1_000, maxEntries: opts.maxEntries ?? 10, origin: () => origin, now: () => t });
  const app = async (req: IncomingMessage, res: ServerResponse) => {
    renders++;
    const n = renders;
    if (held) await held;
    const headers: Record<string, string> = { 'content-type': 'text/html', 'x-frame-options': 'DENY' };
    if (opts.setCookie) headers['set-cookie'] = 'a=b';
    res.writeHead(opts.status ?? 200, headers);
    // Long enough that gzip pays.
    res.end(`render ${n} of ${req.url} `.repeat(200));
  };
  const server: Server = createServer((req, res) => {
    if (!shared(req, res, () => void app(req, res))) void app(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  servers.push(server);
  return {
    get renders() {
      return renders;
    },
    tick: (ms: number) => (t += ms),
    hold: () => void (held = new Promise((r) => (release = r))),
    release: () => release(),
    /** One request, as a browser or curl would make it: node:http, so no header is added behind our back. */
    get: (path: string, headers: Record<string, string> = {}, method = 'GET') =>
      new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
        const req = request(origin + path, { method, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
        });
        req.on('error', reject);
        req.end();
      }),
  };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

const text = (b: Buffer) => b.toString().trim().split(' ').slice(0, 4).join(' ');

describe('shared pages', () => {
  it('serves one render of a post page to every request within PAGE_CACHE_MS, then renders again', async () => {
    const b = await board();
    const first = await b.get('/posts/p1');
    b.tick(999);
    const second = await b.get('/posts/p1');
    expect(text(first.body)).toBe('render 1 of /posts/p1');
    expect(text(second.body)).toBe('render 1 of /posts/p1');
    // The render's own headers travel with the copy; its connection's do not.
    expect(second.headers['x-frame-options']).toBe('DENY');
    expect(second.headers['content-length']).toBe(String(second.body.length));
    expect(b.renders).toBe(1);
    b.tick(1);
    expect(text((await b.get('/posts/p1')).body)).toBe('render 2 of /posts/p1');
    expect(text((await b.get('/posts/p2')).body)).toBe('render 3 of /posts/p2');
  });

  it('gives requests that arrive during a render that render, not one each', async () => {
    const b = await board();
    b.hold();
    const answers = Array.from({ length: 20 }, () => b.get('/posts/p1'));
    // Wait until the render has reached the app (the requests are all in by then or queued behind it).
    await expect.poll(() => b.renders).toBe(1);
    b.release();
    const bodies = await Promise.all(answers.map(async (a) => text((await a).body)));
    expect(b.renders).toBe(1);
    expect(new Set(bodies)).toEqual(new Set(['render 1 of /posts/p1']));
  });

  it('gzips the copy once for browsers that take it, and says how old it is', async () => {
    const b = await board();
    const plain = await b.get('/posts/p1');
    b.tick(2_500);
    const packed = await b.get('/posts/p1', { 'accept-encoding': 'gzip, deflate, br' });
    expect(b.renders).toBe(2); // 2.5 s later: a new copy
    b.tick(500);
    const again = await b.get('/posts/p1', { 'accept-encoding': 'gzip' });
    expect(again.headers['content-encoding']).toBe('gzip');
    expect(again.headers.vary).toBe('Accept-Encoding');
    expect(again.headers.age).toBe('0');
    expect(again.body.length).toBeLessThan(plain.body.length / 4);
    expect(text(gunzipSync(again.body))).toBe('render 2 of /posts/p1');
    expect(packed.headers['content-encoding']).toBe('gzip');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(b.renders).toBe(2);
  });

  it('renders on its own whatever may differ per person, route or request', async () => {
    const b = await board();
    await b.get('/posts/p1'); // the copy exists
    const own = [
      await b.get('/posts/p1', { cookie: 's=1' }),
      await b.get('/posts/p1', { authorization: 'Bearer x' }),
      await b.get('/posts/p1', { 'if-none-match': '"1"' }),
      await b.get('/posts/p1', { 'cache-control': 'no-cache' }), // a hard reload
      await b.get('/posts/p1?t=3600'), // a watch-later page
      await b.get('/posts/p1/other'),
      await b.get('/'),
      await b.get('/posts/p1', {}, 'HEAD'),
    ];
    expect(own.map((r) => r.status)).toEqual(own.map(() => 200));
    expect(b.renders).toBe(1 + own.length);
  });

  it('shares no error and nothing that sets a cookie', async () => {
    for (const opts of [{ status: 404 }, { setCookie: true }]) {
      const b = await board(opts);
      const answers = await Promise.all([b.get('/posts/p1'), b.get('/posts/p1')]);
      await b.get('/posts/p1');
      // The render asked for the copy was refused for it; every request then rendered on its own, once.
      expect(b.renders).toBe(1 + 3);
      b.tick(1_000);
      await b.get('/posts/p1');
      expect(b.renders).toBe(1 + 3 + 2); // a second later the copy is asked for again
      expect(answers.map((a) => a.status)).toEqual([opts.status ?? 200, opts.status ?? 200]);
    }
  });

  it('keeps at most PAGE_CACHE_ENTRIES pages, the oldest out first', async () => {
    const b = await board({ maxEntries: 2 });
    for (const p of ['p1', 'p2', 'p3']) await b.get(`/posts/${p}`);
    await b.get('/posts/p3');
    await b.get('/posts/p2');
    expect(b.renders).toBe(3);
    await b.get('/posts/p1');
    expect(b.renders).toBe(4);
  });

  it('is off at PAGE_CACHE_MS=0', async () => {
    const b = await board({ ttlMs: 0 });
    await b.get('/posts/p1');
    await b.get('/posts/p1');
    expect(b.renders).toBe(2);
  });
});
