/**
 * The crowd of a big event, driven over IPC by crowd.ts: thousands of raw
 * Engine.IO/Socket.IO viewers (as in load-child.ts) that load the post's page,
 * join, follow the comments by sequence number, and come back after their node
 * dies the way browsers do (shared RECONNECT backoff, resync from the last
 * sequence number they hold). One real socket.io-client posts a comment every
 * so often throughout, so every phase has live events to time.
 *
 * Unlike the broadcast viewers, these parse every frame: they must know each
 * event's seq to resync and to count what was lost or received twice. At a few
 * comments a second that is cheap.
 */
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, reconnectWaitMs, type ClientToServerEvents, type ServerToClientEvents } from '@board/shared';
import { serveRpc } from './rpc.js';
import { Samples } from './stats.js';
import { BENCH_POST_ID, bodyFor, loadPage, pageSeq, sioUrl } from './wire.js';

const now = () => performance.now();

/** A comment event as the viewers read it: only what they count. */
interface SeenEvent {
  seq: number;
  comment?: { body: string };
}

interface Member {
  ws: WebSocket | null;
  port: number;
  /** Highest seq held (what a resync asks from). */
  lastSeq: number;
  /** Totals version of the last join answer (a resync asks for the counts changed since). */
  totalsVersion: number;
  /** The seq its first snapshot stood at: it must then receive every later one. */
  fromSeq: number;
  /** Times each seq after fromSeq arrived (index seq - fromSeq - 1). */
  received: Uint8Array;
  connected: boolean;
  nextAck: number;
  acks: Map<number, (payload: unknown) => void>;
  /** Rush: when it asked for the page, and when its first live event came (performance clock, ms). */
  startedAt: number;
  firstLiveAt: number;
  /** Events that came before the first join's answer. */
  early: { e: SeenEvent; at: number }[];
  /** Comments (by n) posted while this member was connected and joined; undefined while away. */
  connectedAtPost?: Set<number>;
}

/** Seqs a member can account for; the bench posts a few per second for well under a minute. */
const RECEIVED_CAPACITY = 4_096;

let members: Member[] = [];
/** Comments a snapshot resync left behind "Load earlier comments" (older than the newest page it sent). */
let earlier = 0;
/** Per comment n posted: when (performance clock, ms). */
const postedAt = new Map<number, number>();
/** Arrival of comment n at a member, ms after it was posted; split by whether the member was connected then. */
let during = { from: Infinity, to: -Infinity, live: new Samples(), cameBack: new Samples() };
let poster: Socket<ServerToClientEvents, ClientToServerEvents> | null = null;
let posting: ReturnType<typeof setInterval> | null = null;
let nextN = 0;
/** Idempotency keys unique to this run. */
const clientIdBase = `crowd${Date.now().toString(36)}`;
let lastPostedSeq = 0;
/** Failures, counted by what went wrong and at which step (`page:` or `join:`). */
let failures = { count: 0, byReason: new Map<string, number>() };
let closing = false;
/** Frames the members received, by event name (`42["name",…`), since the rush began. */
let framesByEvent = new Map<string, number>();

const fail = (why: string) => {
  failures.count++;
  failures.byReason.set(why, (failures.byReason.get(why) ?? 0) + 1);
};

/** Counts one comment event at a member, and times it when it was posted during the storm. */
function receive(m: Member, e: SeenEvent, at: number): void {
  const i = e.seq - m.fromSeq - 1;
  if (i >= 0 && i < RECEIVED_CAPACITY) m.received[i] = Math.min(255, m.received[i]! + 1);
  if (e.seq > m.lastSeq) m.lastSeq = e.seq;
  const parts = e.comment?.body.split('|');
  if (parts?.[0] !== 'bench') return;
  const n = Number(parts[2]);
  const sent = postedAt.get(n);
  if (sent === undefined || sent < during.from || sent > during.to) return;
  // Only the first arrival counts towards latency (a resync may repeat what came live).
  if (i >= 0 && i < RECEIVED_CAPACITY && m.received[i]! > 1) return;
  (m.connectedAtPost?.has(n) ? during.live : during.cameBack).add(at - sent);
}

function onFrame(m: Member, data: Buffer): void {
  const s = data.toString();
  if (s === '2') return void m.ws?.send('3');
  if (s.startsWith('42["')) {
    const name = s.slice(4, s.indexOf('"', 4));
    framesByEvent.set(name, (framesByEvent.get(name) ?? 0) + 1);
  }
  if (s.startsWith('42["post:events"')) {
    const at = now();
    const [, , events] = JSON.parse(s.slice(2)) as [string, string, SeenEvent[]];
    // Live events can come before the first join's answer (the socket is in the room first):
    // held until the snapshot says where counting starts, as the web client's SeqBuffer does.
    if (m.fromSeq < 0) m.early.push(...events.map((e) => ({ e, at })));
    else for (const e of events) receive(m, e, at);
    if (m.firstLiveAt < 0) m.firstLiveAt = at;
    return;
  }
  const ack = /^43(\d+)/.exec(s);
  if (ack) {
    const id = Number(ack[1]);
    const cb = m.acks.get(id);
    if (cb) {
      m.acks.delete(id);
      cb((JSON.parse(s.slice(2 + ack[1]!.length)) as unknown[])[0]);
    }
  }
}

type PageComment = { seq: number; body: string };
type JoinAnswer =
  | {
      ok: true;
      data:
        | { mode: 'snapshot'; seq: number; totalsVersion: number; page: { threads: { root: PageComment; replies: PageComment[] }[] } }
        | { mode: 'replay'; events: SeenEvent[]; totalsVersion: number };
    }
  | { ok: false; error: { code: string; message: string } };

/** Engine.IO open, Socket.IO connect, post:join (from lastSeq when it held one); resolves with the join's mode. */
function connectAndJoin(m: Member, timeoutMs: number): Promise<'snapshot' | 'replay'> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(sioUrl(m.port), { perMessageDeflate: false });
    m.ws = ws;
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('join timeout'));
    }, timeoutMs);
    const done = (err: Error | null, mode?: 'snapshot' | 'replay') => {
      clearTimeout(timer);
      if (err) {
        ws.terminate();
        reject(err);
      } else resolve(mode!);
    };
    ws.on('error', (err) => done(err));
    ws.on('close', () => {
      m.connected = false;
      m.connectedAtPost = undefined;
      if (!closing) onDropped(m);
    });
    ws.on('message', (data: Buffer) => {
      const s = data.toString();
      if (s.startsWith('0{')) return ws.send(`40${JSON.stringify({ v: PROTOCOL_VERSION })}`);
      if (s.startsWith('44')) return done(new Error(`refused: ${s.slice(0, 200)}`));
      if (s.startsWith('40')) {
        const id = m.nextAck++;
        m.acks.set(id, (payload) => {
          const res = payload as JoinAnswer;
          if (!res.ok) return done(new Error(`join refused: ${res.error.code}`));
          const at = now();
          if (res.data.mode === 'snapshot') {
            // A first join, or a gap too old to replay: count from here.
            if (m.fromSeq < 0) {
              m.fromSeq = res.data.seq;
              m.lastSeq = res.data.seq;
              for (const { e, at: when } of m.early) if (e.seq > m.fromSeq) receive(m, e, when);
              m.early = [];
            }
            // On a resync (a gap too old to replay) the newest page stands in for the events: what it shows counts as
            // received, and what it does not (older than its threads) sits behind "Load earlier comments", as in the
            // web client: counted apart, not as lost.
            else {
              const shown = res.data.page.threads.flatMap((t) => [t.root, ...t.replies]);
              for (const c of shown) receive(m, { seq: c.seq, comment: c }, at);
              const oldestShown = Math.min(...shown.map((c) => c.seq));
              for (let seq = m.fromSeq + 1; seq < oldestShown; seq++) {
                const i = seq - m.fromSeq - 1;
                if (i < m.received.length && m.received[i] === 0) {
                  m.received[i] = 1;
                  earlier++;
                }
              }
            }
          } else for (const e of res.data.events) receive(m, e, at);
          m.totalsVersion = res.data.totalsVersion;
          m.connected = true;
          m.connectedAtPost = new Set();
          done(null, res.data.mode);
        });
        // As the web client resyncs: from the last seq and the totals version it holds.
        const since = m.lastSeq >= 0 ? { sinceSeq: m.lastSeq, sinceTotals: m.totalsVersion } : {};
        return ws.send(`42${id}${JSON.stringify(['post:join', { postId: BENCH_POST_ID, ...since }])}`);
      }
      onFrame(m, data);
    });
  });
}

// ---------------------------------------------------------------- the rush

/**
 * `count` people arrive evenly over `spreadMs`, round robin over `ports` (a
 * balancer's work): each loads the page (`pagePath`, HTML with its data), then
 * connects and joins. Timed from the page request to the first live event.
 */
async function rush(args: { ports: number[]; count: number; spreadMs: number; pagePath: string }) {
  const page = new Samples();
  const joined = new Samples();
  const firstLive = new Samples();
  let pageBytes = 0;
  const joinModes: Record<string, number> = {};
  failures = { count: 0, byReason: new Map() };
  framesByEvent = new Map();
  const t0 = now();
  const arrivals = Array.from({ length: args.count }, async (_, i) => {
    const wait = t0 + (i * args.spreadMs) / args.count - now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const port = args.ports[i % args.ports.length]!;
    const m: Member = {
      ws: null,
      port,
      lastSeq: -1,
      totalsVersion: 0,
      fromSeq: -1,
      received: new Uint8Array(RECEIVED_CAPACITY),
      connected: false,
      nextAck: 0,
      acks: new Map(),
      startedAt: now(),
      firstLiveAt: -1,
      early: [],
    };
    let step = 'page';
    try {
      const res = await loadPage(`http://127.0.0.1:${port}${args.pagePath}`);
      if (res.status !== 200) throw new Error(`page ${res.status}`);
      pageBytes = res.body.length;
      page.add(now() - m.startedAt);
      // As the web client does: the page's data says which seq it shows, and the join asks only for what came after.
      const at = pageSeq(res.body);
      if (at) {
        m.fromSeq = m.lastSeq = at.seq;
        m.totalsVersion = at.totalsVersion;
      }
      step = 'join';
      const mode = await connectAndJoin(m, 60_000);
      const how = at ? mode : `${mode} (no seq in the page)`;
      joinModes[how] = (joinModes[how] ?? 0) + 1;
      joined.add(now() - m.startedAt);
      members.push(m);
    } catch (err) {
      fail(`${step}: ${String(err)}`);
    }
  });
  await Promise.all(arrivals);
  // Everyone waits for one live event (a comment every postEveryMs): at most a few seconds.
  const deadline = now() + 30_000;
  while (members.some((m) => m.firstLiveAt < 0) && now() < deadline) await new Promise((r) => setTimeout(r, 100));
  let noLive = 0;
  for (const m of members) {
    if (m.firstLiveAt < 0) noLive++;
    else firstLive.add(m.firstLiveAt - m.startedAt);
  }
  return {
    arrived: args.count,
    joined: members.length,
    failed: failures.count,
    failureReasons: [...failures.byReason].sort((a, b) => b[1] - a[1]).map(([why, n]) => `${n} × ${why}`).join(', '),
    noLiveEvent: noLive,
    pageBytes,
    joinModes,
    page: page.summary(),
    join: joined.summary(),
    firstLive: firstLive.summary(),
    wallMs: now() - t0,
    frames: Object.fromEntries(framesByEvent),
  };
}

// ---------------------------------------------------------------- the reconnect storm

let storm: { size: number; dropped: number; resynced: Samples; modes: Record<string, number>; attempts: number; dead: Set<number>; survivors: number[] } = {
  size: 0,
  dropped: 0,
  resynced: new Samples(),
  modes: {},
  attempts: 0,
  dead: new Set(),
  survivors: [],
};

/** A member whose connection closed: back off as Socket.IO does, then resync at a surviving node. */
function onDropped(m: Member): void {
  if (!storm.dead.has(m.port)) return; // not part of the storm: nothing in this bench closes others
  storm.dropped++;
  const droppedAt = now();
  const port = storm.survivors[storm.dropped % storm.survivors.length]!;
  const attempt = (n: number): void => {
    setTimeout(() => {
      storm.attempts++;
      m.port = port;
      connectAndJoin(m, 30_000).then(
        (mode) => {
          storm.resynced.add(now() - droppedAt);
          storm.modes[mode] = (storm.modes[mode] ?? 0) + 1;
        },
        () => attempt(n + 1),
      );
    }, reconnectWaitMs(n, Math.random()));
  };
  attempt(0);
}

/** Marks the ports of a node about to die; its members will come back to `survivors`. */
function expectDeath(args: { deadPorts: number[]; survivors: number[] }) {
  const dead = new Set(args.deadPorts);
  const size = members.filter((m) => dead.has(m.port)).length;
  storm = { size, dropped: 0, resynced: new Samples(), modes: {}, attempts: 0, dead, survivors: args.survivors };
  during = { from: now(), to: Infinity, live: new Samples(), cameBack: new Samples() };
  return { onDeadNode: size };
}

/** Waits until every dropped member resynced (or `timeoutMs`), then reports. */
async function stormResult(args: { timeoutMs: number }) {
  const deadline = now() + args.timeoutMs;
  // Every member of the dead node must first have seen its connection close (the kill reaches this process a moment later).
  while ((storm.dropped < storm.size || storm.resynced.count < storm.dropped) && now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return {
    dropped: storm.dropped,
    resynced: storm.resynced.count,
    resync: storm.resynced.summary(),
    modes: storm.modes,
    attempts: storm.attempts,
  };
}

/** Ends the window of comments timed as "during the storm", and counts what each member lost or got twice. */
async function settle() {
  during.to = now();
  // The last comments posted reach everyone within a moment; wait for the newest.
  const deadline = now() + 15_000;
  while (members.some((m) => m.connected && m.lastSeq < lastPostedSeq) && now() < deadline) await new Promise((r) => setTimeout(r, 100));
  let lost = 0;
  let twice = 0;
  let membersLosing = 0;
  for (const m of members) {
    let mine = 0;
    for (let seq = m.fromSeq + 1; seq <= lastPostedSeq; seq++) {
      const c = m.received[seq - m.fromSeq - 1] ?? 0;
      if (c === 0) mine++;
      if (c > 1) twice++;
    }
    lost += mine;
    if (mine > 0) membersLosing++;
  }
  return { lost, membersLosing, behindLoadEarlier: earlier, receivedTwice: twice, lastSeq: lastPostedSeq, live: during.live.summary(), cameBack: during.cameBack.summary() };
}

// ---------------------------------------------------------------- the poster

async function startPosting(args: { port: number; everyMs: number }) {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(`http://127.0.0.1:${args.port}`, {
    transports: ['websocket'],
    auth: { v: PROTOCOL_VERSION },
    reconnection: false,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('session', () => resolve());
    socket.once('connect_error', reject);
  });
  const named = await socket.timeout(10_000).emitWithAck('session:rename', { name: 'Bench poster' });
  if (!named.ok) throw new Error(`rename: ${named.error.message}`);
  poster = socket;
  posting = setInterval(() => {
    const n = nextN++;
    const sentAt = now();
    postedAt.set(n, sentAt);
    for (const m of members) if (m.connected) m.connectedAtPost?.add(n);
    socket
      .timeout(30_000)
      .emitWithAck('comment:create', { postId: BENCH_POST_ID, body: bodyFor(sentAt, n), parentId: null, clientId: `${clientIdBase}-${n}` })
      .then((res) => {
        if (res.ok) lastPostedSeq = Math.max(lastPostedSeq, res.data.seq);
        else fail(`comment ${n}: ${res.error.code}`);
      })
      .catch((err: unknown) => fail(`comment ${n}: ${String(err)}`));
  }, args.everyMs);
  return {};
}

// ---------------------------------------------------------------- lifecycle

async function closeAll() {
  closing = true;
  if (posting) clearInterval(posting);
  posting = null;
  poster?.disconnect();
  poster = null;
  for (const m of members) m.ws?.terminate();
  members = [];
  postedAt.clear();
  await new Promise((r) => setTimeout(r, 200));
  closing = false;
  return {};
}

serveRpc({
  rush,
  startPosting,
  expectDeath,
  stormResult,
  settle,
  closeAll,
  exit: async () => {
    await closeAll();
    setImmediate(() => process.exit(0));
    return {};
  },
});
