/**
 * The load generator: a separate process (pinned to its own core when possible)
 * holding thousands of lightweight viewers that speak the Engine.IO/Socket.IO
 * wire protocol straight over `ws`, one real socket.io-client posting, and a few
 * real socket.io-clients that check order and completeness with SeqBuffer.
 *
 * Raw viewers never JSON.parse a broadcast: they find the bench comment bodies
 * in the frame bytes and read the send time from them, so one core can receive
 * tens of thousands of frames per second.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { io, type Socket } from 'socket.io-client';
import {
  PROTOCOL_VERSION,
  REACTION_KINDS,
  SeqBuffer,
  type ClientToServerEvents,
  type Comment,
  type JoinResult,
  type PostEvent,
  type ReactionCounts,
  type ServerToClientEvents,
  mergePulse,
  type PulseBucket,
} from '@board/shared';
import { serveRpc } from './rpc.js';
import { Samples } from './stats.js';
import type { CommentsResult, FanOut, ReactionResult } from './results.js';
import { BENCH_POST_ID, BODY_MARK, POST_EVENTS_PREFIX, RECEIPTS_PREFIX, TOTALS_PREFIX, VERSION_MARK, bodyFor, readNumber, sioUrl } from './wire.js';

type Kind = 'board' | 'bare';
type BoardClient = Socket<ServerToClientEvents, ClientToServerEvents>;

const now = () => performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- raw viewers

/** A reaction click's answer as the receipt carries it. */
type ClickResult = { ok: true; data: { active: boolean } } | { ok: false; error: { code: string; message: string } };

interface Viewer {
  ws: WebSocket;
  nextAck: number;
  /** Ack callbacks by id (joins), and reaction receipts by ref: one numbering for both. */
  acks: Map<number, (frame: Buffer) => void>;
  receipts: Map<number, (result: ClickResult) => void>;
  /**
   * When the latest totals frame arrived (performance clock, ms; -1: none yet).
   * A flush sends its totals and then its receipts on each connection, so a
   * receipt's click became visible with the totals frame just before it.
   */
  lastTotalsAt: number;
  /** Stored clicks whose receipt came with no totals frame since the click. */
  unseen: number;
  /** Reaction state this viewer has asked for, one flag per kind (bit i = REACTION_KINDS[i]). */
  pressed: number;
  clicks: number;
  /** Per kind: index of the latest click the server acked as stored, and its setting (bit per kind). */
  storedClick: Int32Array;
  stored: number;
}

/** What the current measurement window records; reset by each run. */
const rec = {
  /** Counter of the first and one past the last comment of the window. */
  nFrom: 0,
  nTo: 0,
  perComment: new Uint32Array(0),
  latency: new Samples(),
  frames: 0,
  reactionFrames: 0,
  visible: new Samples(),
  /**
   * Per totals frame (by version) of the current burst: when the first and the last viewer got it
   * (performance clock, ms) and how many did. Tens a second at most, so a Map is cheap.
   */
  totalsArrivals: new Map<number, { first: number; last: number; count: number }>(),
};

let viewers: Viewer[] = [];
/** Viewers whose connection closed before closeAll(); `closing` marks our own shutdown. */
let dropped = 0;
let closing = false;
let kind: Kind = 'board';
const textFrame = { binary: false } as const;

function onViewerMessage(v: Viewer, data: Buffer): void {
  const c0 = data[0];
  if (c0 === 0x32 /* "2" ping */ && data.length === 1) return v.ws.send('3');
  if (c0 !== 0x34 /* "4" message */) return;
  const c1 = data[1];
  if (c1 === 0x32 /* "42" event */ && data.indexOf(POST_EVENTS_PREFIX) === 0) {
    rec.frames++;
    const t = now();
    let at = data.indexOf(BODY_MARK);
    while (at !== -1) {
      const sent = readNumber(data, at + BODY_MARK.length);
      const n = readNumber(data, sent.end + 1).value;
      if (n >= rec.nFrom && n < rec.nTo) {
        rec.perComment[n - rec.nFrom]!++;
        rec.latency.add(t - sent.value);
      }
      at = data.indexOf(BODY_MARK, sent.end);
    }
    return;
  }
  if (c1 === 0x32 && data.indexOf(TOTALS_PREFIX) === 0) {
    const t = now();
    rec.reactionFrames++;
    const version = readNumber(data, data.indexOf(VERSION_MARK) + VERSION_MARK.length).value;
    const arrival = rec.totalsArrivals.get(version);
    if (arrival) {
      arrival.last = t;
      arrival.count++;
    } else rec.totalsArrivals.set(version, { first: t, last: t, count: 1 });
    v.lastTotalsAt = t;
    return;
  }
  if (c1 === 0x32 && data.indexOf(RECEIPTS_PREFIX) === 0) {
    // One per flush per clicking viewer, small: parsed whole.
    const [, receipts] = JSON.parse(data.toString('utf8', 2)) as [string, { ref: number; result: ClickResult }[]];
    for (const { ref, result } of receipts) {
      const cb = v.receipts.get(ref);
      if (cb) {
        v.receipts.delete(ref);
        cb(result);
      }
    }
    return;
  }
  if (c1 === 0x33 /* "43<id>" ack */) {
    const { value: id } = readNumber(data, 2);
    const cb = v.acks.get(id);
    if (cb) {
      v.acks.delete(id);
      cb(data);
    }
  }
}

/** Opens one raw viewer: Engine.IO open, Socket.IO connect with auth, post:join with an ack. */
function openViewer(port: number, join: boolean, timeoutMs: number): Promise<Viewer> {
  return new Promise((resolve, reject) => {
    const url = kind === 'bare' ? `ws://127.0.0.1:${port}/` : sioUrl(port);
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const v: Viewer = {
      ws,
      nextAck: 1,
      acks: new Map(),
      receipts: new Map(),
      lastTotalsAt: -1,
      unseen: 0,
      pressed: 0,
      clicks: 0,
      storedClick: new Int32Array(REACTION_KINDS.length).fill(-1),
      stored: 0,
    };
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('connect timeout'));
    }, timeoutMs);
    const done = (err?: Error) => {
      clearTimeout(timer);
      if (err) {
        ws.terminate();
        reject(err);
      } else {
        ws.removeAllListeners('message');
        ws.on('message', (data: Buffer) => onViewerMessage(v, data));
        // A viewer the server dropped (e.g. missed heartbeats while overloaded) is counted, never reopened.
        ws.on('close', () => {
          if (!closing) dropped++;
        });
        resolve(v);
      }
    };
    ws.on('error', (err) => done(err));
    if (kind === 'bare') {
      ws.on('open', () => done());
      return;
    }
    ws.on('message', (data: Buffer) => {
      const s = data.toString();
      if (s === '2') return ws.send('3');
      if (s.startsWith('0{')) return ws.send(`40${JSON.stringify({ v: PROTOCOL_VERSION })}`);
      if (s.startsWith('44')) return done(new Error(`refused: ${s}`));
      if (s.startsWith('40')) {
        if (!join) return done();
        // People react under a name (the server refuses an unnamed click); the rename is
        // handled before the join that follows it on this connection.
        ws.send(`42${JSON.stringify(['session:rename', { name: 'Viewer' }])}`);
        return ws.send(`420${JSON.stringify(['post:join', { postId: BENCH_POST_ID }])}`);
      }
      if (s.startsWith('430')) return s.includes('"ok":true') ? done() : done(new Error(`join failed: ${s.slice(0, 200)}`));
    });
  });
}

async function connectViewers(args: { ports: number[]; count: number; kind: Kind; join?: boolean; batch?: number }) {
  kind = args.kind;
  const started = now();
  const batch = args.batch ?? 250;
  let failed = 0;
  let firstError = '';
  for (let i = 0; i < args.count; i += batch) {
    const n = Math.min(batch, args.count - i);
    const opened = await Promise.allSettled(
      Array.from({ length: n }, (_, j) => openViewer(args.ports[(i + j) % args.ports.length]!, args.join ?? true, 20_000)),
    );
    for (const r of opened) {
      if (r.status === 'fulfilled') viewers.push(r.value);
      else {
        failed++;
        firstError ||= String(r.reason);
      }
    }
  }
  return { connected: viewers.length, failed, firstError, ms: now() - started };
}

// ---------------------------------------------------------------- real socket.io clients

interface Checker {
  socket: BoardClient;
  buffer: SeqBuffer<PostEvent>;
  seenN: Map<number, number>;
  gaps: number;
  outOfOrder: number;
  lastSeq: number;
  totals: Map<string, ReactionCounts>;
  /** Per comment, the totals version its counts come from (latest wins). */
  versions: Map<string, number>;
  /** The totals version of the last join answer: what a resync asks for changes after. */
  totalsVersion: number;
  /** The pulse as this viewer heard it (join answers, totals and pulse frames), merged. */
  pulse: Map<number, PulseBucket>;
  /** Frames that carried pulse buckets since the current burst began. */
  pulseFrames: number;
}

/** Stored presses (a setting stored that turned a reaction from off to on), warm-up included: what the pulse must count with the event live. */
let pressesStored = 0;

let checkers: Checker[] = [];
let poster: { socket?: BoardClient; bare?: WebSocket; bareAcks?: Map<number, () => void> } = {};

function connectClient(port: number): Promise<BoardClient> {
  const socket: BoardClient = io(`http://127.0.0.1:${port}`, {
    transports: ['websocket'],
    auth: { v: PROTOCOL_VERSION },
    reconnection: false,
    timeout: 10_000,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => reject(err));
  });
}

/** The comments a join snapshot carries: the pins and the newest page's threads (the bench post has a handful). */
const snapshotComments = (data: Extract<JoinResult, { mode: 'snapshot' }>) => [
  ...data.pinned,
  ...data.page.threads.flatMap((t) => [t.root, ...t.replies]),
];

async function joinChecker(c: Checker): Promise<void> {
  const res = await c.socket.timeout(30_000).emitWithAck('post:join', { postId: BENCH_POST_ID });
  if (!res.ok) throw new Error(`checker join: ${res.error.message}`);
  if (res.data.mode !== 'snapshot') throw new Error('checker expected a snapshot');
  for (const comment of snapshotComments(res.data)) {
    c.totals.set(comment.id, comment.reactions);
    c.versions.set(comment.id, res.data.totalsVersion);
  }
  c.totalsVersion = res.data.totalsVersion;
  c.buffer.reset(res.data.seq);
  c.lastSeq = res.data.seq;
  mergePulse(c.pulse, res.data.pulse ?? []);
}

async function connectCheckers(args: { ports: number[]; count: number }) {
  for (let i = 0; i < args.count; i++) {
    const socket = await connectClient(args.ports[i % args.ports.length]!);
    const c: Checker = {
      socket,
      seenN: new Map(),
      gaps: 0,
      outOfOrder: 0,
      lastSeq: 0,
      totals: new Map(),
      versions: new Map(),
      totalsVersion: 0,
      pulse: new Map(),
      pulseFrames: 0,
      buffer: new SeqBuffer<PostEvent>({
        apply: (e) => {
          if (e.seq !== c.lastSeq + 1) c.outOfOrder++;
          c.lastSeq = e.seq;
          if (e.type === 'comment') {
            const parts = e.comment.body.split('|');
            if (parts[0] === 'bench') {
              const n = Number(parts[2]);
              c.seenN.set(n, (c.seenN.get(n) ?? 0) + 1);
            }
            if (!c.totals.has(e.comment.id)) c.totals.set(e.comment.id, e.comment.reactions);
          }
        },
        onGap: () => {
          c.gaps++;
        },
      }),
    };
    socket.on('post:events', (postId, events) => {
      if (postId === BENCH_POST_ID) c.buffer.push(events);
    });
    socket.on('post:totals', (postId, { version, totals, pulse }) => {
      if (postId !== BENCH_POST_ID) return;
      applyTotals(c, version, totals);
      if (pulse) {
        c.pulseFrames++;
        mergePulse(c.pulse, pulse);
      }
    });
    socket.on('post:pulse', (postId, buckets) => {
      if (postId !== BENCH_POST_ID) return;
      c.pulseFrames++;
      mergePulse(c.pulse, buckets);
    });
    await joinChecker(c);
    checkers.push(c);
  }
  return { checkers: checkers.length };
}

/** Latest version wins, per comment. */
function applyTotals(c: Checker, version: number, totals: { commentId: string; counts: ReactionCounts }[]): void {
  for (const t of totals) {
    if ((c.versions.get(t.commentId) ?? -1) >= version) continue;
    c.versions.set(t.commentId, version);
    c.totals.set(t.commentId, t.counts);
  }
}

/**
 * Rejoins as a reconnecting viewer does, from the last applied sequence number
 * and the last join's totals version; replayed events go through the checker's
 * SeqBuffer (doubles dropped), so its accounting stays exact.
 */
async function resync(c: Checker): Promise<ReactionResult['resync']> {
  const t = now();
  const res = await c.socket
    .timeout(30_000)
    .emitWithAck('post:join', { postId: BENCH_POST_ID, sinceSeq: c.lastSeq, sinceTotals: c.totalsVersion })
    .catch(() => null);
  const ms = now() - t;
  if (!res?.ok) return { mode: 'failed', ms, events: 0, totals: 0 };
  if (res.data.mode === 'snapshot') {
    const comments = snapshotComments(res.data);
    for (const comment of comments) c.totals.set(comment.id, comment.reactions);
    return { mode: 'snapshot', ms, events: 0, totals: comments.length };
  }
  c.buffer.push(res.data.events);
  applyTotals(c, res.data.totalsVersion, res.data.totals);
  c.totalsVersion = res.data.totalsVersion;
  return { mode: 'replay', ms, events: res.data.events.length, totals: res.data.totals.length };
}

/** Every checker applied every comment of the window exactly once, in contiguous seq order, with no gap. */
function checkComments(nFrom: number, nTo: number): { ok: number; problems: string[] } {
  let ok = 0;
  const problems: string[] = [];
  checkers.forEach((c, i) => {
    let missing = 0;
    let doubled = 0;
    for (let n = nFrom; n < nTo; n++) {
      const seen = c.seenN.get(n) ?? 0;
      if (seen === 0) missing++;
      if (seen > 1) doubled++;
    }
    if (missing + doubled + c.gaps + c.outOfOrder === 0) ok++;
    else problems.push(`checker ${i}: ${missing} missing, ${doubled} doubled, ${c.gaps} gaps, ${c.outOfOrder} out of order`);
  });
  return { ok, problems };
}

// ---------------------------------------------------------------- posting

async function startPoster(args: { port: number; kind: Kind }) {
  if (args.kind === 'bare') {
    const ws = new WebSocket(`ws://127.0.0.1:${args.port}/post`, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const bareAcks = new Map<number, () => void>();
    ws.on('message', (data: Buffer) => {
      const { ack } = JSON.parse(data.toString()) as { ack: number };
      bareAcks.get(ack)?.();
      bareAcks.delete(ack);
    });
    poster = { bare: ws, bareAcks };
    return {};
  }
  const socket = await connectClient(args.port);
  const named = await socket.timeout(30_000).emitWithAck('session:rename', { name: 'Bench poster' });
  if (!named.ok) throw new Error(`rename: ${named.error.message}`);
  poster = { socket };
  return {};
}

let nextN = 0;
const clientIdBase = `bench${Date.now().toString(36)}`;

/** Sends one comment; resolves true when the server acked it as stored. */
function postOne(n: number): Promise<boolean> {
  const sentAt = now();
  const body = bodyFor(sentAt, n);
  if (poster.bare) {
    return new Promise((resolve) => {
      poster.bareAcks!.set(n, () => resolve(true));
      poster.bare!.send(JSON.stringify({ t: sentAt, n, body }));
    });
  }
  return poster
    .socket!.timeout(30_000)
    .emitWithAck('comment:create', { postId: BENCH_POST_ID, parentId: null, body, clientId: `${clientIdBase}-${n}` })
    .then(
      (res) => {
        if (!res.ok) firstPostError ||= `${res.error.code}: ${res.error.message}`;
        return res.ok;
      },
      (err: unknown) => {
        firstPostError ||= String(err);
        return false;
      },
    );
}
/** Why the first refused comment of a run was refused (rate limits, slow mode...): printed, not hidden. */
let firstPostError = '';

async function createComment() {
  const res = await poster.socket!.timeout(30_000).emitWithAck('comment:create', {
    postId: BENCH_POST_ID,
    parentId: null,
    body: 'React to me',
    clientId: `${clientIdBase}-target`,
  });
  if (!res.ok) throw new Error(`create comment: ${res.error.message}`);
  return { commentId: res.data.id };
}

/** Calls `fire(i)` for i = 0..total-1 spread evenly over `seconds`, on a 5 ms tick (bounded in time and count). */
async function paced(total: number, seconds: number, fire: (i: number) => void): Promise<number> {
  const start = now();
  const durationMs = seconds * 1_000;
  let fired = 0;
  while (fired < total) {
    const elapsed = now() - start;
    const due = Math.min(total, Math.floor((elapsed / durationMs) * total) + 1);
    while (fired < due) fire(fired++);
    if (elapsed > durationMs * 3 + 5_000) break; // the load process itself is starved: stop, report what was sent
    await sleep(5);
  }
  return fired;
}


async function comments(args: { rate: number; seconds: number; drainMs?: number }): Promise<CommentsResult> {
  const total = Math.max(1, Math.round(args.rate * args.seconds));
  const nFrom = nextN;
  nextN += total;
  rec.nFrom = nFrom;
  rec.nTo = nFrom + total;
  rec.perComment = new Uint32Array(total);
  rec.latency = new Samples();
  rec.frames = 0;
  firstPostError = '';
  const cpu0 = process.cpuUsage();
  const t0 = now();

  const acks: Promise<boolean>[] = [];
  await paced(total, args.seconds, (i) => acks.push(postOne(nFrom + i)));
  const stored = (await Promise.all(acks)).filter(Boolean).length;
  const sentDone = now();

  const expected = stored * viewers.length;
  const drainLimit = args.drainMs ?? 5_000;
  const sum = () => rec.perComment.reduce((a, b) => a + b, 0);
  while (sum() < expected && now() - sentDone < drainLimit) await sleep(20);
  // Give the socket.io checkers (slower, parsing everything) the same chance.
  while (checkComments(nFrom, nFrom + total).ok < checkers.length && now() - sentDone < drainLimit) await sleep(20);
  const drainMs = now() - sentDone;
  const wallMs = now() - t0;
  const cpu = process.cpuUsage(cpu0);

  const deliveries = sum();
  let doubled = 0;
  for (const k of rec.perComment) if (k > viewers.length) doubled += k - viewers.length;
  const { ok, problems } = checkComments(nFrom, nFrom + total);
  return {
    sent: total,
    stored,
    viewers: viewers.length,
    expected,
    deliveries,
    lost: Math.max(0, expected - deliveries),
    doubled,
    frames: rec.frames,
    latency: rec.latency.summary(),
    drainMs,
    checkersOk: ok,
    checkers: checkers.length,
    problems,
    loadCpuPct: ((cpu.user + cpu.system) / 1_000 / wallMs) * 100,
    wallMs,
    dropped,
    firstPostError,
  };
}

// ---------------------------------------------------------------- reactions

async function reactions(args: {
  commentId: string;
  perSecond: number;
  seconds: number;
  drainMs?: number;
  /** Comments posted during the burst (per second), their send→receive latency measured at every viewer; 0: none. */
  commentsPerSecond?: number;
}): Promise<ReactionResult> {
  const total = Math.round(args.perSecond * args.seconds);
  rec.visible = new Samples();
  rec.reactionFrames = 0;
  rec.totalsArrivals.clear();
  const commentCount = poster.socket || poster.bare ? Math.round((args.commentsPerSecond ?? 0) * args.seconds) : 0;
  rec.nFrom = nextN;
  rec.nTo = nextN + commentCount;
  nextN += commentCount;
  rec.perComment = new Uint32Array(commentCount);
  rec.latency = new Samples();
  for (const v of viewers) {
    v.lastTotalsAt = -1;
    v.unseen = 0;
  }
  const ackLatency = new Samples();
  for (const c of checkers) c.pulseFrames = 0;
  let acked = 0;
  let failed = 0;
  let firstFailure = '';
  const cpu0 = process.cpuUsage();
  const t0 = now();

  const fire = (i: number) => {
    const vi = i % viewers.length;
    const v = viewers[vi]!;
    if (v.ws.readyState !== WebSocket.OPEN) {
      failed++;
      return;
    }
    // Each viewer walks through the kinds, toggling one per click: every click changes a total.
    const click = v.clicks++;
    const k = (vi + click) % REACTION_KINDS.length;
    const bit = 1 << k;
    const active = (v.pressed & bit) === 0;
    v.pressed ^= bit;
    const ref = v.nextAck++;
    const sentAt = now();
    v.receipts.set(ref, (result) => {
      const t = now();
      if (!result.ok) {
        failed++;
        firstFailure ||= JSON.stringify(result).slice(0, 200);
        return;
      }
      acked++;
      ackLatency.add(t - sentAt);
      // The server keeps the last stored setting per (person, kind): that is what the totals must add up to.
      // Clicks coalesced into one flush share that setting's answer, so the state comes from the answer
      // (not from the click), and a press is a stored change from off to on: what the pulse counts.
      if (click > v.storedClick[k]!) {
        if (result.data.active && (v.stored & bit) === 0) pressesStored++;
        v.storedClick[k] = click;
        v.stored = result.data.active ? v.stored | bit : v.stored & ~bit;
      }
      // Every click here changes a total, so its flush broadcast a totals frame, which this
      // socket received just before the receipt.
      if (v.lastTotalsAt >= sentAt) rec.visible.add(v.lastTotalsAt - sentAt);
      else v.unseen++;
    });
    v.ws.send(
      `42${JSON.stringify(['reaction:set', { postId: BENCH_POST_ID, commentId: args.commentId, kind: REACTION_KINDS[k], active, ref }])}`,
      textFrame,
    );
  };

  const commentAcks: Promise<boolean>[] = [];
  const posting = commentCount > 0 ? paced(commentCount, args.seconds, (i) => commentAcks.push(postOne(rec.nFrom + i))) : null;
  // This process's own delay: a frame that arrives while it is busy sending clicks is timed late.
  const lag = monitorEventLoopDelay({ resolution: 1 });
  lag.enable();
  // A reconnect halfway through the burst, from the last checker (the first one checks the snapshot below).
  const resyncer = checkers.length > 1 ? checkers.at(-1) : undefined;
  let resyncing: Promise<ReactionResult['resync']> = Promise.resolve({ mode: 'none', ms: 0, events: 0, totals: 0 });
  const resyncTimer = resyncer ? setTimeout(() => (resyncing = resync(resyncer)), (args.seconds * 1_000) / 2) : null;
  const fired = await paced(total, args.seconds, fire);
  lag.disable();
  if (resyncTimer) clearTimeout(resyncTimer);
  const resynced = await resyncing;
  await posting;
  const commentsStored = (await Promise.all(commentAcks)).filter(Boolean).length;
  const sentDone = now();
  const drainLimit = args.drainMs ?? 10_000;
  while (acked + failed < fired && now() - sentDone < drainLimit) await sleep(20);
  const commentDeliveries = () => rec.perComment.reduce((a, b) => a + b, 0);
  while (commentDeliveries() < commentsStored * viewers.length && now() - sentDone < drainLimit) await sleep(20);
  const wallMs = now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const outstanding = fired - acked - failed;
  // One more coalescing window (100 ms) and then some for the last totals frame to reach everyone.
  await sleep(600);
  let unseen = 0;
  for (const v of viewers) unseen += v.unseen;

  // Expected totals from what the server acknowledged as stored (a refused click changed nothing).
  const expected: ReactionCounts = { like: 0, love: 0, laugh: 0, wow: 0 };
  for (const v of viewers) REACTION_KINDS.forEach((kindName, k) => (expected[kindName] += (v.stored >> k) & 1));

  const live = checkers.map((c) => c.totals.get(args.commentId) ?? null);
  // A fresh snapshot from storage, through a checker that leaves and joins again.
  let snapshot: ReactionCounts | null = null;
  let storedPulse: PulseBucket[] | null = null;
  const c = checkers[0];
  if (c) {
    await c.socket.timeout(30_000).emitWithAck('post:leave', { postId: BENCH_POST_ID });
    const res = await c.socket.timeout(30_000).emitWithAck('post:join', { postId: BENCH_POST_ID });
    if (res.ok && res.data.mode === 'snapshot') {
      const comments = snapshotComments(res.data);
      snapshot = comments.find((x: Comment) => x.id === args.commentId)?.reactions ?? null;
      storedPulse = res.data.pulse ?? [];
      for (const comment of comments) c.versions.set(comment.id, res.data.totalsVersion);
      c.buffer.reset(res.data.seq);
      c.lastSeq = res.data.seq;
    }
  }
  const same = (a: ReactionCounts | null) => a !== null && REACTION_KINDS.every((k) => a[k] === expected[k]);
  return {
    clickers: viewers.length,
    fired,
    acked,
    failed,
    outstanding,
    firstFailure,
    wallMs,
    sendMs: sentDone - t0,
    visible: rec.visible.summary(),
    unseen,
    ack: ackLatency.summary(),
    reactionFramesPerViewerPerSec: rec.reactionFrames / Math.max(1, viewers.length) / (wallMs / 1_000),
    comments: { sent: commentCount, stored: commentsStored, deliveries: commentDeliveries(), expected: commentsStored * viewers.length, latency: rec.latency.summary() },
    expected,
    live,
    snapshot,
    // With acks outstanding the expected totals are unknown: never call that exact.
    dropped,
    liveExact: outstanding === 0 && live.length > 0 && live.every(same),
    snapshotExact: outstanding === 0 && same(snapshot),
    loadCpuPct: ((cpu.user + cpu.system) / 1_000 / wallMs) * 100,
    loadLag: { p99: lag.percentile(99) / 1e6, max: lag.max / 1e6 },
    fanOut: fanOutOf(rec.totalsArrivals, viewers.length),
    resync: resynced,
    pulse: pulseOf(storedPulse, wallMs, outstanding),
  };
}

/**
 * The pulse after a burst: presses answered as stored against the presses the
 * stored buckets count (warm-up included), whether every checker heard exactly
 * the stored pulse, and the most pulse-bearing frames a checker got per second.
 */
function pulseOf(stored: PulseBucket[] | null, wallMs: number, outstanding: number): ReactionResult['pulse'] {
  const counted = stored === null ? null : stored.reduce((n, b) => n + b[1] + b[2] + b[3] + b[4], 0);
  const same = (heard: Map<number, PulseBucket>) =>
    stored !== null && heard.size === stored.length && stored.every((b) => JSON.stringify(heard.get(b[0])) === JSON.stringify(b));
  // Checkers that rejoined merged a join answer's pulse: still one exact pulse, so they count too.
  return {
    presses: pressesStored,
    counted,
    exact: outstanding === 0 && counted === pressesStored && checkers.every((c) => same(c.pulse)),
    framesPerViewerPerSec: Math.max(0, ...checkers.map((c) => c.pulseFrames / (wallMs / 1_000))),
  };
}

/**
 * The two parts of click→visible that the server's broadcasting sets, read from the
 * receiving side so the yardstick and the board are timed alike: the period between
 * totals frames (the first arrival of each), and how long one frame takes to reach
 * every viewer (first → last arrival; only frames nearly everyone got).
 */
function fanOutOf(arrivals: Map<number, { first: number; last: number; count: number }>, viewerCount: number): FanOut {
  const frames = [...arrivals.values()].sort((a, b) => a.first - b.first);
  const period = new Samples();
  for (let i = 1; i < frames.length; i++) period.add(frames[i]!.first - frames[i - 1]!.first);
  const spread = new Samples();
  for (const f of frames) if (f.count >= viewerCount * 0.9) spread.add(f.last - f.first);
  const p = period.summary();
  const s = spread.summary();
  return { frames: frames.length, periodP50: p.p50, periodP90: period.quantile(0.9), spreadP50: s.p50, spreadP90: spread.quantile(0.9) };
}

// ---------------------------------------------------------------- lifecycle

async function closeAll() {
  closing = true;
  for (const v of viewers) v.ws.terminate();
  viewers = [];
  for (const c of checkers) {
    c.buffer.dispose();
    c.socket.disconnect();
  }
  checkers = [];
  poster.socket?.disconnect();
  poster.bare?.terminate();
  poster = {};
  await sleep(200);
  closing = false;
  dropped = 0;
  return {};
}

serveRpc({
  connectViewers,
  connectCheckers,
  startPoster,
  createComment,
  comments,
  reactions,
  closeAll,
  openCount: () => ({ open: viewers.filter((v) => v.ws.readyState === WebSocket.OPEN).length }),
  exit: async () => {
    await closeAll();
    setImmediate(() => process.exit(0));
    return {};
  },
});
