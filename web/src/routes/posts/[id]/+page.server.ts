import { eventTimeAt, parseReplayParam, type Comment } from '@board/shared';
import { fetchPostPage, fetchRange } from '$lib/server/realtime-api.server';
import type { PageServerLoad } from './$types';

/** A `?t=` link shows the comments of this long before its moment, ms (the replay's first screen). */
const LINK_BACKFILL_MS = 10 * 60_000;

export const load: PageServerLoad = async ({ fetch, params, url }) => {
  const page = await fetchPostPage(fetch, params.id);
  const t = parseReplayParam(url.searchParams.get('t'));
  const clock = page.post.clock;
  if (t === null || !clock || clock.state === 'scheduled') return { ...page, replayAt: null, replayComments: [] as Comment[] };
  // "Watch later at 12:34": spoiler-safe in the HTML too. No page of the newest threads and no
  // pins; only comments stamped up to the moment (never past the event so far).
  const at = Math.min(t, eventTimeAt(clock, page.serverTime));
  const range = await fetchRange(fetch, params.id, Math.max(0, at - LINK_BACKFILL_MS), at + 1);
  return {
    ...page,
    // Moments are marked by facilitators ("Goal!"): those after the link's moment wait for the playhead too.
    post: { ...page.post, moments: page.post.moments.filter((m) => m.atMs <= at) },
    page: { ...page.page, threads: [], next: null, remaining: 0 },
    pinned: [],
    replayAt: at,
    replayComments: range.comments,
  };
};
