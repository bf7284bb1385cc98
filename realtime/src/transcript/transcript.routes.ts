/**
 * GET /api/posts/:id/transcript?format=md|json — the transcript, streamed
 * (transcript-writer.ts). Who asks: a download ticket (`ticket`, from
 * `post:transcript`) or a session token (`Authorization: Bearer`); either way
 * the person must be a facilitator of the post now. Refusals are the usual
 * JSON { error: { code, message } }: UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, INVALID.
 */
import type { Request, Response, Router } from 'express';
import { AppError, Id, TranscriptFormat } from '@board/shared';
import type { Store } from '../store/types.js';
import type { SessionSigner } from '../session/tokens.js';
import type { Log } from '../socket/handle.js';
import type { TicketSigner } from './download-ticket.js';
import { writeTranscript, type Sink } from './transcript-writer.js';

export interface TranscriptDeps {
  store: Store;
  tickets: TicketSigner;
  sessions: SessionSigner;
  /** Comments per store read (config TRANSCRIPT_PAGE). */
  pageSize: number;
  log: Log;
}

/** A response as a Sink: a write that the socket cannot take yet waits for 'drain'; a closed response fails it. */
export function responseSink(res: Response): Sink {
  return {
    write(chunk) {
      if (res.destroyed || res.writableEnded) return Promise.reject(new Error('The download was closed'));
      if (res.write(chunk)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const settle = (err?: Error) => {
          res.off('drain', onDrain);
          res.off('close', onClose);
          if (err) reject(err);
          else resolve();
        };
        const onDrain = () => settle();
        const onClose = () => settle(new Error('The download was closed'));
        res.on('drain', onDrain);
        res.on('close', onClose);
      });
    },
  };
}

function requester(req: Request, postId: string, deps: TranscriptDeps): string | null {
  const ticket = req.query.ticket;
  if (typeof ticket === 'string') return deps.tickets.verify(ticket, postId);
  const bearer = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
  const session = deps.sessions.verify(bearer);
  return session && session !== 'expired' ? session.user.id : null;
}

const FILE_TYPES = { md: 'text/markdown; charset=utf-8', json: 'application/json; charset=utf-8' } as const;

export function mountTranscript(router: Router, deps: TranscriptDeps): void {
  const { store } = deps;
  router.get('/posts/:id/transcript', async (req, res) => {
    const id = Id.safeParse(req.params.id);
    if (!id.success) throw new AppError('NOT_FOUND', 'No such post');
    const format = TranscriptFormat.safeParse(req.query.format ?? 'md');
    if (!format.success) throw new AppError('INVALID', 'format is md or json');
    const userId = requester(req, id.data, deps);
    if (!userId) throw new AppError('UNAUTHENTICATED', 'Download the transcript from the facilitator controls: its link lasts a minute');
    const post = await store.getPost(id.data);
    if (!post) throw new AppError('NOT_FOUND', 'No such post');
    if ((await store.role(id.data, userId)) !== 'facilitator') {
      throw new AppError('FORBIDDEN', 'Only a facilitator of this discussion can download its transcript');
    }
    res.status(200).set({
      'Content-Type': FILE_TYPES[format.data],
      'Content-Disposition': `attachment; filename="transcript-${post.id}.${format.data}"`,
      'Cache-Control': 'no-store',
    });
    try {
      await writeTranscript(responseSink(res), store, post, format.data, deps.pageSize);
      res.end();
    } catch (err) {
      // Headers are gone: the only honest end is a cut connection (the file is visibly incomplete).
      if (!res.destroyed) deps.log.error('Transcript stopped part way', err);
      res.destroy();
    }
  });
}
