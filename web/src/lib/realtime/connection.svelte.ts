/**
 * The one Socket.IO connection of this tab. It connects lazily (browser only),
 * keeps the session token, reconnects, and tells subscribers each time it is
 * connected again so they can rejoin their rooms and resync.
 * Everything socket-shaped in the web app goes through here.
 */
import { io, type Socket } from 'socket.io-client';
import {
  PROTOCOL_VERSION,
  RECONNECT,
  fail,
  type ClientToServerEvents,
  type ReactionSetResult,
  type Result,
  type ServerToClientEvents,
  type SetReactionRequest,
  type SessionInfo,
  type User,
} from '@board/shared';
import { forgetToken, loadName, loadToken, saveName, saveToken } from './session-storage.js';

export type BoardSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * idle: no socket yet (server render, or nothing asked for one).
 * connecting: first attempt. online: connected.
 * reconnecting: was connected (or the first attempt failed) and is retrying.
 * refused: the server will not accept this page (protocol mismatch); reloading is the fix.
 */
export type ConnectionStatus = 'idle' | 'connecting' | 'online' | 'reconnecting' | 'refused';

type Events = ClientToServerEvents;
type RequestEvent = keyof Events;
type ArgsOf<E extends RequestEvent> = Parameters<Events[E]>;
/** The payload part of an event's arguments: nothing for `lobby:join`, one object for the rest. */
type PayloadOf<E extends RequestEvent> = ArgsOf<E> extends [unknown] ? [] : ArgsOf<E> extends [infer P, ...unknown[]] ? [P] : never;
type AckOf<E extends RequestEvent> = ArgsOf<E> extends [infer A] ? A : ArgsOf<E> extends [unknown, (infer A)?] ? A : never;
export type DataOf<E extends RequestEvent> = NonNullable<AckOf<E>> extends (res: Result<infer T>) => void ? T : never;

/** How long a request waits for its ack, ms. A comment write is well under a second; this covers a slow Redis. */
const REQUEST_TIMEOUT_MS = 8_000;

const notConnected = () => fail('UNAVAILABLE', 'Not connected to the board. Trying again…');

class Connection {
  status = $state<ConnectionStatus>('idle');
  /** Who the server says we are; null until the first `session` event. */
  user = $state<User | null>(null);
  /** Why the server refused the handshake, in words for people. */
  refusal = $state<string | null>(null);
  /** The name chosen on an earlier visit, to prefill the "Your name" field. */
  rememberedName = $state<string | null>(null);
  /** Set while the page asks a nameless person for a name (NamePrompt.svelte); answered true once named. */
  namePrompt = $state<{ answer: (named: boolean) => void } | null>(null);
  #naming: Promise<boolean> | null = null;

  #socket: BoardSocket | null = null;
  readonly #connectListeners = new Set<() => void>();
  readonly #sessionWaiters = new Set<(user: User) => void>();
  /** Reaction clicks sent without an ack, by ref, each waiting for its receipt. */
  readonly #clicks = new Map<number, (res: Result<ReactionSetResult>) => void>();
  /** The last ref given to a click; refs only need to be unique while a click waits. */
  #lastRef = 0;

  /** The socket, created on first use. Only call this in the browser. */
  get socket(): BoardSocket {
    this.#socket ??= this.#open();
    return this.#socket;
  }

  /** Runs `fn` now if connected and after every (re)connect; returns an unsubscribe. */
  onConnect(fn: () => void): () => void {
    this.#connectListeners.add(fn);
    if (this.socket.connected) fn();
    return () => this.#connectListeners.delete(fn);
  }

  /**
   * Emits a request and resolves with its Result. Never rejects: no answer in
   * time, or no connection in time, becomes UNAVAILABLE so callers handle one shape.
   * Waits for a connection first instead of letting Socket.IO buffer the packet,
   * so a stale join or comment is never replayed behind the caller's back.
   */
  async request<E extends RequestEvent>(event: E, ...payload: PayloadOf<E>): Promise<Result<DataOf<E>>> {
    const ready = await this.#connected();
    if (!ready) return notConnected();
    const { socket, deadline } = ready;
    return new Promise((resolve) => {
      const ack = (err: Error | null, res: Result<DataOf<E>>) =>
        resolve(err ? fail('UNAVAILABLE', 'The board did not answer in time.') : res);
      // Socket.IO's typed emit cannot follow a generic event name; the public signature above is the typed one.
      (socket.timeout(Math.max(1, deadline - Date.now())) as unknown as { emit: (...args: unknown[]) => void }).emit(
        event,
        ...payload,
        ack,
      );
    });
  }

  /**
   * Sends a reaction click without an ack and resolves with its receipt: the
   * server answers a burst of clicks in one `reaction:receipts` frame instead of
   * a frame per click. Never rejects, same shapes as request(): no connection,
   * a disconnect (a closed connection's receipts never come) or no receipt in
   * time become UNAVAILABLE.
   */
  async react(req: Omit<SetReactionRequest, 'ref'>): Promise<Result<ReactionSetResult>> {
    const ready = await this.#connected();
    if (!ready) return notConnected();
    const { socket, deadline } = ready;
    const ref = ++this.#lastRef;
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => this.#clicks.get(ref)?.(fail('UNAVAILABLE', 'The board did not answer in time.')),
        Math.max(1, deadline - Date.now()),
      );
      this.#clicks.set(ref, (res) => {
        clearTimeout(timer);
        this.#clicks.delete(ref);
        resolve(res);
      });
      socket.emit('reaction:set', { ...req, ref });
    });
  }

  /** Who we are, waiting up to `timeoutMs` for the first `session` event; null if it does not come. */
  whenIdentified(timeoutMs: number): Promise<User | null> {
    if (this.user) return Promise.resolve(this.user);
    void this.socket;
    return new Promise((resolve) => {
      const done = (user: User | null) => {
        clearTimeout(timer);
        this.#sessionWaiters.delete(done);
        resolve(user);
      };
      const timer = setTimeout(() => done(null), timeoutMs);
      this.#sessionWaiters.add(done);
    });
  }

  /**
   * Resolves true once this person has a name: at once if they have one, else
   * after they choose one in the name prompt (false if they cancel). Reacting
   * needs a name (the server answers NAME_REQUIRED without one).
   */
  ensureNamed(): Promise<boolean> {
    if (this.user?.name) return Promise.resolve(true);
    this.#naming ??= new Promise<boolean>((resolve) => {
      this.namePrompt = {
        answer: (named) => {
          this.namePrompt = null;
          this.#naming = null;
          resolve(named);
        },
      };
    });
    return this.#naming;
  }

  /** Sets the display name; the server answers with a re-signed token that carries it. */
  async rename(name: string): Promise<Result<SessionInfo>> {
    const res = await this.request('session:rename', { name });
    if (res.ok) {
      this.#adoptSession(res.data);
      if (res.data.user.name) {
        saveName(res.data.user.name);
        this.rememberedName = res.data.user.name;
      }
    }
    return res;
  }

  /**
   * Becomes the person a host signed in (single sign-on, lib/identity/sso.ts):
   * keeps the new session and reconnects with it, so the server reads the new
   * identity at the handshake; rooms are joined again as after any reconnect.
   */
  switchSession(info: SessionInfo): void {
    this.#adoptSession(info);
    this.#socket?.disconnect().connect();
  }

  #open(): BoardSocket {
    this.rememberedName = loadName();
    const socket: BoardSocket = io({
      transports: ['websocket'],
      auth: { v: PROTOCOL_VERSION, token: loadToken() },
      // Jittered so a restarted node's viewers do not all come back at once (shared/src/reconnect.ts).
      reconnectionDelay: RECONNECT.delayMs,
      reconnectionDelayMax: RECONNECT.delayMaxMs,
      randomizationFactor: RECONNECT.randomizationFactor,
    });
    this.status = 'connecting';

    socket.on('connect', () => {
      this.status = 'online';
      for (const fn of this.#connectListeners) fn();
    });
    socket.on('session', (info) => {
      this.#adoptSession(info);
      // A token from an older server secret comes back as a fresh guest: restore the remembered name.
      if (!info.user.name && this.rememberedName) void this.rename(this.rememberedName);
    });
    // A null or unknown ref (a click already timed out) has no one waiting.
    socket.on('reaction:receipts', (receipts) => {
      for (const { ref, result } of receipts) if (ref !== null) this.#clicks.get(ref)?.(result);
    });
    socket.on('disconnect', (reason) => {
      // Receipts are per connection: the ones still owed died with it.
      for (const settle of [...this.#clicks.values()]) settle(fail('UNAVAILABLE', 'The connection dropped before the board answered.'));
      if (this.status === 'refused') return;
      this.status = 'reconnecting';
      // The server closed us on purpose (restart, deploy): Socket.IO does not retry that by itself.
      // A random wait first: the whole node's viewers were closed in the same moment.
      if (reason === 'io server disconnect') setTimeout(() => socket.connect(), Math.random() * RECONNECT.serverCloseSpreadMs);
    });
    socket.on('connect_error', (err) => {
      const code = (err as Error & { data?: { code?: string } }).data?.code;
      if (code === 'UNAUTHENTICATED') {
        // The session expired: start a fresh one now; the `session` handler restores the remembered name.
        forgetToken();
        socket.auth = { v: PROTOCOL_VERSION };
        socket.connect();
      } else if (code === 'PROTOCOL_MISMATCH' || code === 'INVALID' || code === 'RATE_LIMITED') {
        // RATE_LIMITED here: too many connections from this network; retrying would not help.
        this.status = 'refused';
        this.refusal = err.message;
        socket.disconnect();
      } else {
        // Also after a failed first attempt: the reader should know why nothing is live.
        this.status = 'reconnecting';
      }
    });
    return socket;
  }

  #adoptSession(info: SessionInfo): void {
    saveToken(info.token);
    this.user = info.user;
    for (const waiter of [...this.#sessionWaiters]) waiter(info.user);
    // Read at every reconnect: the next handshake presents the newest token.
    if (this.#socket) this.#socket.auth = { v: PROTOCOL_VERSION, token: info.token };
  }

  /** Resolves at the next connect (at once when connected); no time limit. */
  whenConnected(): Promise<void> {
    return new Promise((resolve) => {
      const off = this.onConnect(() => {
        queueMicrotask(off);
        resolve();
      });
    });
  }

  /**
   * The socket once connected, with the time by which a request sent now must be
   * answered (the wait for the connection counts against it); null when no
   * connection came in time.
   */
  async #connected(): Promise<{ socket: BoardSocket; deadline: number } | null> {
    const socket = this.socket;
    const deadline = Date.now() + REQUEST_TIMEOUT_MS;
    if (!socket.connected && !(await this.#waitForConnect(REQUEST_TIMEOUT_MS))) return null;
    return { socket, deadline };
  }

  #waitForConnect(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        off();
        resolve(false);
      }, timeoutMs);
      const off = this.onConnect(() => {
        clearTimeout(timer);
        queueMicrotask(off);
        resolve(true);
      });
    });
  }
}

export const connection = new Connection();
