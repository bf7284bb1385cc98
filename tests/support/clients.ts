/**
 * Real socket.io-client connections and helpers that await what a person would
 * wait for. Waiting is always on an event with a deadline, never a sleep.
 */
import { io, type Socket } from 'socket.io-client';
import {
  PROTOCOL_VERSION,
  type ClientToServerEvents,
  type ClockControlRequest,
  type EventClock,
  type Comment,
  type JoinResult,
  type PostEvent,
  type PostTotals,
  type Result,
  type ServerToClientEvents,
  type SessionInfo,
  type ReplyPage,
  type ThreadPage,
} from '@board/shared';

export type Client = Socket<ServerToClientEvents, ClientToServerEvents> & { session: SessionInfo };

type Emit = (event: string, ...args: unknown[]) => Promise<Result<unknown>>;
/** Sends any event of the contract with any payload, as a modified client could, and resolves with its ack. */
export const ask = (socket: Client, event: keyof ClientToServerEvents, payload: unknown) =>
  (socket.emitWithAck as unknown as Emit)(event, payload);

let counter = 0;
export const clientId = () => `cid-${process.pid}-${Date.now().toString(36)}-${++counter}`;

export interface ConnectOptions {
  name?: string;
  token?: string;
  v?: number;
  origin?: string;
  /** Extra handshake headers, e.g. a forged X-Forwarded-For. */
  headers?: Record<string, string>;
}

const open: Socket[] = [];

/** Connects, waits for the `session` event, and sets a display name if given. */
export async function connect(url: string, opts: ConnectOptions = {}): Promise<Client> {
  const socket = io(url, {
    transports: ['websocket'],
    auth: { v: opts.v ?? PROTOCOL_VERSION, token: opts.token },
    reconnection: false,
    forceNew: true,
    extraHeaders: opts.origin || opts.headers ? { ...opts.headers, ...(opts.origin ? { origin: opts.origin } : {}) } : undefined,
  }) as Client;
  open.push(socket);
  socket.session = await new Promise<SessionInfo>((resolve, reject) => {
    socket.once('session', resolve);
    socket.once('connect_error', reject);
  });
  if (opts.name) socket.session = unwrap(await socket.emitWithAck('session:rename', { name: opts.name }));
  return socket;
}

export function closeAll(): void {
  for (const s of open.splice(0)) s.disconnect();
}

export function unwrap<T>(res: Result<T>): T {
  if (!res.ok) throw new Error(`${res.error.code}: ${res.error.message}`);
  return res.data;
}

/** Resolves with the first `post:events` event matching `match`; rejects after `ms`. */
export function nextPostEvent(
  socket: Client,
  match: (e: PostEvent, postId: string) => boolean = () => true,
  ms = 5_000,
): Promise<{ postId: string; event: PostEvent }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off('post:events', onEvents);
      reject(new Error(`no matching post event within ${ms} ms`));
    }, ms);
    const onEvents = (postId: string, events: PostEvent[]) => {
      const hit = events.find((e) => match(e, postId));
      if (!hit) return;
      clearTimeout(timer);
      socket.off('post:events', onEvents);
      resolve({ postId, event: hit });
    };
    socket.on('post:events', onEvents);
  });
}

/** Resolves with the first `post:totals` frame matching `match`; rejects after `ms`. */
export function nextTotals(
  socket: Client,
  match: (t: PostTotals, postId: string) => boolean = () => true,
  ms = 5_000,
): Promise<{ postId: string; totals: PostTotals }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off('post:totals', onTotals);
      reject(new Error(`no matching totals within ${ms} ms`));
    }, ms);
    const onTotals = (postId: string, totals: PostTotals) => {
      if (!match(totals, postId)) return;
      clearTimeout(timer);
      socket.off('post:totals', onTotals);
      resolve({ postId, totals });
    };
    socket.on('post:totals', onTotals);
  });
}

/** Collects every post event a socket receives, for exact accounting. */
export function recordEvents(socket: Client): { postId: string; event: PostEvent }[] {
  const seen: { postId: string; event: PostEvent }[] = [];
  socket.on('post:events', (postId, events) => events.forEach((event) => seen.push({ postId, event })));
  return seen;
}

/**
 * Resolves once `log` holds `count` entries matching `match`, counting those
 * already there; rejects after `ms` saying how many came.
 */
export function untilCount(
  socket: Client,
  log: { postId: string; event: PostEvent }[],
  match: (e: PostEvent) => boolean,
  count: number,
  ms = 10_000,
): Promise<void> {
  const have = () => log.filter((l) => match(l.event)).length;
  if (have() >= count) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off('post:events', check);
      reject(new Error(`expected ${count} matching events within ${ms} ms, got ${have()}`));
    }, ms);
    // recordEvents() registered its listener first, so `log` is up to date here.
    const check = () => {
      if (have() < count) return;
      clearTimeout(timer);
      socket.off('post:events', check);
      resolve();
    };
    socket.on('post:events', check);
  });
}

type SingleArgEvent = 'presence' | 'lobby:stats' | 'session' | 'reaction:receipts';
type PayloadOf<E extends SingleArgEvent> = Parameters<ServerToClientEvents[E]>[0];

/** Resolves with the first `event` payload matching `match`; rejects after `ms`. */
export function waitFor<E extends SingleArgEvent>(
  socket: Client,
  event: E,
  match: (payload: PayloadOf<E>) => boolean,
  ms = 5_000,
): Promise<PayloadOf<E>> {
  const target = socket as unknown as {
    on(e: string, h: (p: PayloadOf<E>) => void): void;
    off(e: string, h: (p: PayloadOf<E>) => void): void;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      target.off(event, handler);
      reject(new Error(`no matching ${event} within ${ms} ms`));
    }, ms);
    const handler = (payload: PayloadOf<E>) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      target.off(event, handler);
      resolve(payload);
    };
    target.on(event, handler);
  });
}

export async function join(socket: Client, postId: string, sinceSeq?: number, sinceTotals?: number): Promise<JoinResult> {
  return unwrap(await socket.emitWithAck('post:join', { postId, sinceSeq, sinceTotals }));
}

/** The comments a page carries (each thread's first comment, then its given replies), newest thread first. */
export function pageComments(page: ThreadPage): Comment[] {
  return page.threads.flatMap((t) => [t.root, ...t.replies]);
}

/** The comments of a snapshot join answer (empty for a replay). */
export function snapshotComments(result: JoinResult): Comment[] {
  return result.mode === 'snapshot' ? pageComments(result.page) : [];
}

/**
 * Every comment of a joined post, as a reader who loads every earlier page and
 * every "more replies" would have them, starting from `first` (a snapshot's page).
 */
export async function readAll(socket: Client, postId: string, first: ThreadPage): Promise<Comment[]> {
  const out: Comment[] = [];
  for (let page: ThreadPage | null = first; page; ) {
    for (const t of page.threads) {
      out.push(t.root, ...t.replies);
      let after = t.replies.at(-1)?.seq ?? 0;
      for (let more = t.replyCount - t.replies.length; more > 0; ) {
        const r: ReplyPage = unwrap(await socket.timeout(10_000).emitWithAck('post:replies', { postId, rootId: t.root.id, after }));
        if (r.replies.length === 0) break;
        out.push(...r.replies);
        after = r.replies.at(-1)!.seq;
        more = r.remaining;
      }
    }
    page =
      page.next === null
        ? null
        : unwrap(await socket.timeout(10_000).emitWithAck('post:page', { postId, sort: page.sort, before: page.next }));
  }
  return out;
}

export async function postComment(socket: Client, postId: string, body: string, parentId: string | null = null): Promise<Comment> {
  return unwrap(await socket.emitWithAck('comment:create', { postId, body, parentId, clientId: clientId() }));
}

/** A facilitator's clock control (start, pause, jump…); the clock it made. */
export const clockControl = async (socket: Client, req: ClockControlRequest): Promise<EventClock> =>
  unwrap(await socket.emitWithAck('clock:control', req));

/** A discussion `host` starts, and so facilitates, for an event ("Match night"); its id. */
export async function eventPost(host: Client, scheduledAt?: number): Promise<string> {
  return unwrap(await host.emitWithAck('post:create', { title: 'Match night', description: '', scheduledAt })).post.id;
}
