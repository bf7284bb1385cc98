/**
 * Writes a post's discussion as a transcript, page by page through the store
 * (Store.commentsAfter for threads in order, Store.readReplies for each
 * thread's replies), so memory follows `pageSize`, never the event: output is
 * gathered into chunks of CHUNK_CHARS and each chunk waits for the sink to
 * take it (backpressure). Hidden and deleted comments are left out.
 *
 * Markdown: the title, then threads in order, each moment a heading placed
 * before the first thread stamped at or after it; a comment as "**Name** · mm:ss",
 * its replies indented under it. JSON: { post, exportedAt, comments } with each
 * comment in the API's Comment shape, threads in order, each root before its replies.
 */
import { AppError, formatClockTime, type Comment, type Moment, type TranscriptFormat } from '@board/shared';
import type { PostRecord, Store } from '../store/types.js';

/** Characters gathered before a write: big enough to keep writes few, small enough to never matter (64 KB). */
const CHUNK_CHARS = 64 * 1024;

/** Where the transcript goes; write resolves when the sink can take more. */
export interface Sink {
  write(chunk: string): Promise<void>;
}

const shown = (c: Comment) => !c.hidden && !c.deleted;

/** Markdown's own characters in user text, escaped so a name or a comment cannot make headings or links. */
const mdText = (s: string) => s.replace(/[\\`*_[\]<>#|~]/g, (ch) => `\\${ch}`);

/** Lines after the first are indented to stay inside their list item. */
const mdBody = (body: string, indent: string) => mdText(body).split(/\r?\n/).join(`\n${indent}  `);

/** Writes the transcript of `post` to `sink`; returns how many comments it holds. */
export async function writeTranscript(
  sink: Sink,
  store: Store,
  post: PostRecord,
  format: TranscriptFormat,
  pageSize: number,
  exportedAt = Date.now(),
): Promise<number> {
  let buffered = '';
  const out = async (text: string) => {
    buffered += text;
    if (buffered.length >= CHUNK_CHARS) await flush();
  };
  const flush = async () => {
    if (buffered === '') return;
    const chunk = buffered;
    buffered = '';
    await sink.write(chunk);
  };

  const moments: Moment[] = [...(post.moments ?? [])].sort((a, b) => a.atMs - b.atMs);
  let nextMoment = 0;
  let count = 0;
  let first = true;
  let beforeEvent = false;

  const md = format === 'md';
  if (md) {
    await out(`# ${mdText(post.title)}\n\nTranscript of the discussion, exported ${new Date(exportedAt).toISOString()}.\n`);
  } else {
    const { id, title, description, createdAt, clock } = post;
    await out(`{"post":${JSON.stringify({ id, title, description, createdAt, clock, moments })},"exportedAt":${exportedAt},"comments":[`);
  }

  const comment = async (c: Comment, reply: boolean) => {
    count++;
    if (!md) {
      await out(`${first ? '' : ','}\n${JSON.stringify(c)}`);
      first = false;
      return;
    }
    const indent = reply ? '  ' : '';
    const at = c.moment === null || c.moment === undefined ? '' : ` · ${formatClockTime(c.moment)}`;
    await out(`${indent}- **${mdText(c.author.name)}**${at}: ${mdBody(c.body, indent)}\n`);
  };

  /** Moment headings due before a thread stamped `at` (null: before the event started). */
  const headingsBefore = async (at: number | null | undefined) => {
    if (!md) return;
    if (at === null || at === undefined) {
      // Unstamped in an event's discussion: written before it started. Without an event, no headings at all.
      if (post.clock !== null && !beforeEvent && nextMoment === 0) await out('\n## Before the event\n\n');
      beforeEvent = true;
      return;
    }
    while (nextMoment < moments.length && moments[nextMoment]!.atMs <= at) {
      const m = moments[nextMoment++]!;
      await out(`\n## ${formatClockTime(m.atMs)} · ${mdText(m.label)}\n\n`);
    }
  };

  for (let after = 0; ; ) {
    const threads = await store.commentsAfter(post.id, after, pageSize, 'threads');
    if (!threads) throw new AppError('NOT_FOUND', 'No such post');
    for (const root of threads.comments) {
      await headingsBefore(root.moment);
      let headed = shown(root);
      if (headed) await comment(root, false);
      for (let since = 0; ; ) {
        const page = await store.readReplies(post.id, root.id, since, pageSize);
        if (!page || page.replies.length === 0) break;
        for (const r of page.replies) {
          if (!shown(r)) continue;
          // Replies keep their place under a thread whose first comment was removed.
          if (!headed && md) await out('- *A removed comment*\n');
          headed = true;
          await comment(r, true);
        }
        if (page.remaining === 0) break;
        since = page.replies.at(-1)!.seq;
      }
    }
    if (threads.remaining === 0 || threads.comments.length === 0) break;
    after = threads.comments.at(-1)!.seq;
  }

  if (md) {
    await headingsBefore(Number.MAX_SAFE_INTEGER);
    await out(`\n---\n\n${count.toLocaleString('en')} ${count === 1 ? 'comment' : 'comments'}.\n`);
  } else {
    await out('\n]}\n');
  }
  await flush();
  return count;
}
