/**
 * Pages of a discussion as a viewer may read them: the one road from the
 * store's page reads (Store.readPage / readReplies) to a join snapshot, the
 * server-rendered page and `post:page` / `post:replies`. Every comment passes
 * through redactFor for the viewer's role, as snapshots always have.
 */
import { AppError, type Comment, type ReplyPage, type ThreadPage, type ThreadSort } from '@board/shared';
import type { Store } from '../store/types.js';
import { redactFor, type Viewer } from './redact.js';

/** Page sizes (config PAGE_THREADS, PAGE_REPLIES, REPLIES_PAGE). */
export interface PageSizes {
  threads: number;
  replies: number;
  repliesPage: number;
}

export interface ViewerPage {
  page: ThreadPage;
  pinned: Comment[];
  seq: number;
  totalsVersion: number;
}

/** A page of threads for this viewer; throws NOT_FOUND for no such post. */
export async function pageFor(
  store: Pick<Store, 'readPage'>,
  postId: string,
  viewer: Viewer,
  sizes: PageSizes,
  sort: ThreadSort = 'new',
  before?: number,
): Promise<ViewerPage> {
  const read = await store.readPage(postId, { sort, before, threads: sizes.threads, replies: sizes.replies });
  if (!read) throw new AppError('NOT_FOUND', 'No such post');
  const threads = read.page.threads.map((t) => ({
    root: redactFor([t.root], viewer)[0]!,
    replies: redactFor(t.replies, viewer),
    replyCount: t.replyCount,
  }));
  return {
    page: { ...read.page, threads },
    pinned: redactFor(read.pinned, viewer),
    seq: read.seq,
    totalsVersion: read.totalsVersion,
  };
}

/** More replies of one thread for this viewer; throws NOT_FOUND for no such post. */
export async function repliesFor(
  store: Store,
  postId: string,
  rootId: string,
  after: number,
  viewer: Viewer,
  sizes: PageSizes,
): Promise<ReplyPage> {
  const read = await store.readReplies(postId, rootId, after, sizes.repliesPage);
  if (!read) throw new AppError('NOT_FOUND', 'No such post');
  return { ...read, replies: redactFor(read.replies, viewer) };
}
