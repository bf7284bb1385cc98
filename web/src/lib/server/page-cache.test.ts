import { describe, expect, it } from 'vitest';
import type { RequestEvent } from '@sveltejs/kit';
import { createPageCache } from './page-cache';

function event(path: string, headers: Record<string, string> = {}, routeId = '/posts/[id]'): RequestEvent {
  const url = new URL(`http://board.test${path}`);
  return { request: new Request(url, { headers }), url, route: { id: routeId }, isDataRequest: false } as unknown as RequestEvent;
}

/** A SvelteKit `resolve` that counts renders and can be held open, to have requests arrive mid-render. */
function renderer(status = 200) {
  let renders = 0;
  let release: () => void = () => {};
  let held: Promise<void> | null = null;
  return {
    get renders() {
      return renders;
    },
    hold() {
      held = new Promise((r) => (release = r));
    },
    release: () => release(),
    resolve: async (e: RequestEvent) => {
      renders++;
      const n = renders;
      if (held) await held;
      return new Response(`render ${n} of ${e.url.pathname}`, { status, headers: { 'content-type': 'text/html', etag: `"${n}"` } });
    },
  };
}

describe('page cache', () => {
  it('serves one render to every request within its lifetime, then renders again', async () => {
    let t = 1_000_000;
    const handle = createPageCache(() => ({ ttlMs: 1_000, maxEntries: 10 }), () => t);
    const r = renderer();
    const first = await handle({ event: event('/posts/a'), resolve: r.resolve });
    t += 999;
    const second = await handle({ event: event('/posts/a'), resolve: r.resolve });
    expect(await first.text()).toBe('render 1 of /posts/a');
    expect(await second.text()).toBe('render 1 of /posts/a');
    expect(second.headers.get('etag')).toBe('"1"');
    expect(r.renders).toBe(1);
    t += 1;
    expect(await (await handle({ event: event('/posts/a'), resolve: r.resolve })).text()).toBe('render 2 of /posts/a');
  });

  it('lets requests that arrive during a render wait for it instead of rendering too', async () => {
    const handle = createPageCache(() => ({ ttlMs: 1_000, maxEntries: 10 }));
    const r = renderer();
    r.hold();
    const answers = Array.from({ length: 20 }, () => handle({ event: event('/posts/a'), resolve: r.resolve }));
    r.release();
    const bodies = await Promise.all(answers.map(async (a) => (await a).text()));
    expect(r.renders).toBe(1);
    expect(new Set(bodies)).toEqual(new Set(['render 1 of /posts/a']));
  });

  it('renders on its own what may differ per person or route, and shares no error', async () => {
    const handle = createPageCache(() => ({ ttlMs: 1_000, maxEntries: 10 }));
    const r = renderer();
    await handle({ event: event('/posts/a', { cookie: 'x=1' }), resolve: r.resolve });
    await handle({ event: event('/posts/a', { cookie: 'x=1' }), resolve: r.resolve });
    await handle({ event: event('/posts/a', { 'if-none-match': '"1"' }), resolve: r.resolve });
    await handle({ event: event('/', {}, '/'), resolve: r.resolve });
    await handle({ event: event('/', {}, '/'), resolve: r.resolve });
    expect(r.renders).toBe(5);

    const failing = renderer(404);
    const a = await handle({ event: event('/posts/gone'), resolve: failing.resolve });
    const b = await handle({ event: event('/posts/gone'), resolve: failing.resolve });
    expect([a.status, b.status, failing.renders]).toEqual([404, 404, 2]);
  });

  it('keeps at most maxEntries pages, and none with a lifetime of 0', async () => {
    const handle = createPageCache(() => ({ ttlMs: 60_000, maxEntries: 2 }));
    const r = renderer();
    for (const p of ['/posts/a', '/posts/b', '/posts/c', '/posts/a']) await handle({ event: event(p), resolve: r.resolve });
    // a was pushed out by c, so asking for it again rendered it a second time.
    expect(r.renders).toBe(4);
    await handle({ event: event('/posts/c'), resolve: r.resolve });
    expect(r.renders).toBe(4);

    const off = createPageCache(() => ({ ttlMs: 0, maxEntries: 2 }));
    const r2 = renderer();
    await off({ event: event('/posts/a'), resolve: r2.resolve });
    await off({ event: event('/posts/a'), resolve: r2.resolve });
    expect(r2.renders).toBe(2);
  });
});
