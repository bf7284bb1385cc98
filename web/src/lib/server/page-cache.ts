/**
 * A short-lived shared copy of the post page, for the start-of-event rush.
 *
 * A post page renders in about 6 ms of CPU (30 threads with their first
 * replies); 5,000 people opening it within 10 s is 500 renders a second, three
 * times what one core can do. Every anonymous viewer gets the same HTML (the
 * session lives in the browser's storage, not in a cookie, and the page's
 * scripts are allowed by hash, not by a per-response nonce), so one render can
 * serve everyone who asks within `ttlMs`. Nothing goes stale for long: the
 * page's data carries its `seq`, and the socket's join resyncs from it.
 *
 * Misses for one page share one render (no stampede when a copy expires in the
 * middle of a crowd); at most `maxEntries` pages are kept (oldest out first),
 * so addresses made up to miss the cache cost a render each, as without it.
 */
import type { Handle, RequestEvent } from '@sveltejs/kit';

export interface PageCacheSettings {
  /** How long one render is served, ms; 0 turns the cache off. */
  ttlMs: number;
  /** Most pages kept at once. */
  maxEntries: number;
}

interface Copy {
  status: number;
  headers: [string, string][];
  body: Uint8Array<ArrayBuffer>;
  /** Date.now() when it was rendered. */
  at: number;
}

/** Only routes whose HTML is the same for every viewer; a request that carries credentials or asks for a revalidation renders on its own. */
const SHARED_ROUTES = new Set(['/posts/[id]']);

function cacheable(event: RequestEvent): boolean {
  const { request } = event;
  return (
    request.method === 'GET' &&
    SHARED_ROUTES.has(event.route.id ?? '') &&
    !request.headers.has('cookie') &&
    !request.headers.has('authorization') &&
    !request.headers.has('if-none-match')
  );
}

function respond(copy: Copy, now: number): Response {
  const headers = new Headers(copy.headers);
  // The standard header for "served from a cache, this many seconds old".
  headers.set('age', String(Math.floor((now - copy.at) / 1_000)));
  // The Response copies the bytes it is given (fetch spec), so one shared copy serves every request.
  return new Response(copy.body, { status: copy.status, headers });
}

export function createPageCache(settings: () => PageCacheSettings, now: () => number = Date.now): Handle {
  const copies = new Map<string, Copy>();
  const rendering = new Map<string, Promise<Copy | null>>();

  const render = async (key: string, resolve: () => Promise<Response>): Promise<Copy | null> => {
    const res = await resolve();
    // Errors and redirects are not shared: the next request asks again.
    if (res.status !== 200) return null;
    const copy: Copy = { status: res.status, headers: [...res.headers], body: new Uint8Array(await res.arrayBuffer()), at: now() };
    copies.delete(key);
    copies.set(key, copy);
    const { maxEntries } = settings();
    for (const oldest of copies.keys()) {
      if (copies.size <= maxEntries) break;
      copies.delete(oldest);
    }
    return copy;
  };

  return async ({ event, resolve }) => {
    const { ttlMs } = settings();
    if (ttlMs <= 0 || !cacheable(event)) return resolve(event);
    // Page and its data request (__data.json, a client-side navigation) are different answers.
    const key = `${event.isDataRequest ? 'data' : 'page'} ${event.url.pathname}${event.url.search}`;
    const fresh = copies.get(key);
    if (fresh && now() - fresh.at < ttlMs) return respond(fresh, now());

    let pending = rendering.get(key);
    if (!pending) {
      // The first miss renders with its own response; later ones wait for the copy.
      let own: Response | undefined;
      pending = render(key, async () => (own = await resolve(event))).finally(() => rendering.delete(key));
      rendering.set(key, pending);
      const copy = await pending;
      return copy ? respond(copy, now()) : own!;
    }
    // A render that failed or was not shareable: this request renders on its own.
    const copy = await pending.catch(() => null);
    return copy ? respond(copy, now()) : resolve(event);
  };
}
