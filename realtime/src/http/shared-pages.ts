/**
 * One render of a post page, served to everyone who asks within PAGE_CACHE_MS (ADR 25),
 * answered before express and SvelteKit see the request.
 *
 * At the start of an event thousands open the same post within seconds. A render costs
 * ~6 ms of CPU; even a copy served through SvelteKit costs ~0.8 ms a request (a web
 * Request and Response made, routed and streamed back), which is a third of an arrival's
 * whole cost in a rush (pnpm bench --only=crowd). Here a copy costs what writing 100 KB
 * costs, ~0.3 ms, and ~20 KB when the browser takes gzip (compressed once per copy, off
 * the main thread).
 *
 * The copy is made by asking this node itself for the page (one request per page per
 * PAGE_CACHE_MS, `Cache-Control: no-cache`, which is never shared), so it holds exactly
 * what the full stack answers, headers included. Misses for one page share one render;
 * at most PAGE_CACHE_ENTRIES pages are kept, oldest out.
 *
 * Shared: GET of `/posts/<id>` without a query, a cookie, credentials or a request to
 * revalidate, answered 200 without setting a cookie. The page is the same for every
 * viewer: the session lives in the browser's storage, hidden text is blanked for
 * everyone in a server render, scripts are allowed by hash, not by a per-response nonce.
 * Anything else (a `?t=` replay page, an error page) goes on to the full stack.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipped = promisify(gzip);

export interface SharedPagesOptions {
  /** How long one render is served, ms; 0 turns sharing off (PAGE_CACHE_MS). */
  ttlMs: number;
  /** Most pages kept at once (PAGE_CACHE_ENTRIES). */
  maxEntries: number;
  /** This node's own address (`http://127.0.0.1:3000`) once it listens; null before. */
  origin: () => string | null;
  now?: () => number;
}

/** Serves `req` from a shared copy and returns true, or returns false: the caller answers it. */
export type SharedPages = (req: IncomingMessage, res: ServerResponse, fallback: () => void) => boolean;

interface Copy {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** The body gzipped, for browsers that take it; null when it would not be smaller. */
  gzip: Buffer | null;
  /** When it was rendered (now()), ms. */
  at: number;
}

const SHARED_PATH = /^\/posts\/[A-Za-z0-9_-]{1,64}$/;

/** Headers of the render that belong to its own connection, not to the copy. */
const NOT_COPIED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding', 'date', 'vary']);

function shareable(req: IncomingMessage): boolean {
  const h = req.headers;
  return (
    req.method === 'GET' &&
    req.url !== undefined &&
    SHARED_PATH.test(req.url) &&
    h.cookie === undefined &&
    h.authorization === undefined &&
    h['if-none-match'] === undefined &&
    h['cache-control'] === undefined
  );
}

export function createSharedPages(opts: SharedPagesOptions): SharedPages {
  const now = opts.now ?? Date.now;
  const copies = new Map<string, { copy: Copy | null; at: number }>();
  const rendering = new Map<string, Promise<Copy | null>>();

  const render = async (path: string): Promise<Copy | null> => {
    const origin = opts.origin();
    if (!origin) return null;
    // no-cache: this request is never answered from a copy, so it reaches SvelteKit.
    const res = await fetch(origin + path, { headers: { 'cache-control': 'no-cache', 'accept-encoding': 'identity' }, redirect: 'manual' });
    const body = Buffer.from(await res.arrayBuffer());
    // Errors, redirects and anything that sets a cookie are answered per request.
    if (res.status !== 200 || res.headers.has('set-cookie')) return null;
    const headers: Record<string, string> = {};
    for (const [name, value] of res.headers) if (!NOT_COPIED.has(name)) headers[name] = value;
    const packed = await gzipped(body);
    return { status: res.status, headers, body, gzip: packed.length < body.length ? packed : null, at: now() };
  };

  /** Keeps what a render gave, a copy or a refusal (so an error page is not asked for twice per request). */
  const keep = (path: string, copy: Copy | null, at: number) => {
    copies.delete(path);
    copies.set(path, { copy, at });
    for (const oldest of copies.keys()) {
      if (copies.size <= opts.maxEntries) break;
      copies.delete(oldest);
    }
  };

  const send = (req: IncomingMessage, res: ServerResponse, copy: Copy) => {
    const packed = copy.gzip !== null && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
    const body = packed ? copy.gzip! : copy.body;
    res.writeHead(copy.status, {
      ...copy.headers,
      // The standard header for "served from a cache, this many seconds old".
      age: String(Math.floor((now() - copy.at) / 1_000)),
      vary: 'Accept-Encoding',
      ...(packed ? { 'content-encoding': 'gzip' } : {}),
      'content-length': String(body.length),
    });
    res.end(body);
  };

  return (req, res, fallback) => {
    if (opts.ttlMs <= 0 || !shareable(req)) return false;
    const path = req.url!;
    const kept = copies.get(path);
    if (kept && now() - kept.at < opts.ttlMs) {
      if (!kept.copy) return false;
      send(req, res, kept.copy);
      return true;
    }
    let pending = rendering.get(path);
    if (!pending) {
      const asked = now();
      pending = render(path)
        .catch(() => null)
        .then((copy) => {
          keep(path, copy, copy?.at ?? asked);
          return copy;
        })
        .finally(() => rendering.delete(path));
      rendering.set(path, pending);
    }
    // A render that failed or was not shareable: this request goes through the full stack on its own.
    void pending.then((copy) => (copy ? send(req, res, copy) : fallback()));
    return true;
  };
}
