/**
 * Server-side reads from the realtime service's JSON API, for SSR loads.
 * In the one-process board this is the same process over loopback; in
 * `pnpm dev` it is the separately started service. Responses are parsed with
 * the shared schemas: a page never renders an unchecked shape.
 */
import { env } from '$env/dynamic/private';
import { error } from '@sveltejs/kit';
import { Comment, Post, PostSummary, RangePage, ThreadPage } from '@board/shared';
import { z } from 'zod';

const PostListResponse = z.object({
  posts: z.array(PostSummary),
  /** The service's clock when it answered: the list's event times are right before any socket connects. */
  serverTime: z.number().int(),
});
/** The newest page of threads and the pins: what the page shows first, whatever the post's history. */
const PostPageResponse = z.object({
  post: Post,
  page: ThreadPage,
  pinned: z.array(Comment),
  seq: z.number().int().nonnegative(),
  totalsVersion: z.number().int().nonnegative(),
  /** The service's clock when it answered: the event clock renders right before any socket connects. */
  serverTime: z.number().int(),
});

type Fetch = typeof fetch;

function apiUrl(path: string): string {
  const base = env.REALTIME_INTERNAL_URL ?? 'http://127.0.0.1:3001';
  return new URL(path, base).href;
}

async function getJson<S extends z.ZodType>(fetch: Fetch, path: string, schema: S): Promise<z.output<S>> {
  let res: Response;
  try {
    res = await fetch(apiUrl(path));
  } catch {
    error(503, 'The board is not reachable right now. Try again in a moment.');
  }
  if (res.status === 404) error(404, 'There is no discussion at this address.');
  if (!res.ok) error(502, 'The board answered with an error. Try again in a moment.');
  const parsed = schema.safeParse(await res.json());
  if (!parsed.success) error(502, 'The board sent something this page cannot read.');
  return parsed.data;
}

export const fetchPostList = (fetch: Fetch) => getJson(fetch, '/api/posts', PostListResponse);

export const fetchPostPage = (fetch: Fetch, id: string) =>
  getJson(fetch, `/api/posts/${encodeURIComponent(id)}`, PostPageResponse);

/** Watch later: the first page of comments stamped in [fromMs, toMs) (anonymous, redacted). */
export const fetchRange = (fetch: Fetch, id: string, fromMs: number, toMs: number) =>
  getJson(fetch, `/api/posts/${encodeURIComponent(id)}/range?fromMs=${fromMs}&toMs=${toMs}`, RangePage);
