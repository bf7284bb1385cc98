/**
 * Live state of one post's discussion: starts from the server-rendered
 * snapshot, joins the post's room, and applies every ordered event exactly
 * once. Follow a comment from here: submit() → `comment:create` → ack replaces
 * the pending copy; everyone else gets it through `post:events` → #apply().
 * Reaction totals come apart from the ordered events (`post:totals`): absolute,
 * and per comment the highest totals version wins.
 *
 * The page holds part of the discussion: the newest page of threads (from the
 * server-rendered page or a join), older ones per "Load earlier comments"
 * (`post:page`), a thread's further replies per "N more replies" (`post:replies`).
 * A live reply to a thread that is not loaded is only counted where it shows.
 */
import {
  CommentBody,
  PostEvent,
  PostTotals,
  SeqBuffer,
  emptyCounts,
  fail,
  type Comment,
  type JoinResult,
  type CommentTotals,
  type MyReactions,
  type Post,
  type ReactionKind,
  type Result,
  type Role,
  type ThreadPage,
  type ThreadSort,
  topRank,
} from '@board/shared';
import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import { z } from 'zod';
import { newClientId } from './client-id.js';
import { connection } from './connection.svelte.js';
import { Cooldown } from './cooldown.svelte.js';
import { FeedEntry, PENDING_SEQ } from './feed-entry.svelte.js';
import { buildThreads, type Thread } from './threads.js';
import { PageCursor, ThreadReplies, type Cursors } from './thread-pages.svelte.js';
import { sortThreads } from './comment-order.js';
import { StreamWait } from '../event-clock/stream-wait.svelte.js';
import { PulseState } from '$lib/pulse/pulse-state.svelte.js';

export interface FeedSnapshot {
  post: Post;
  /** The newest page of threads. */
  page: ThreadPage;
  /** Pinned comments, wherever they are in the discussion. */
  pinned: Comment[];
  seq: number;
  /** Totals version the comments' counts are current with. */
  totalsVersion: number;
}

const PostEvents = z.array(PostEvent);
/** Totals for comments not shown yet (their event is on its way) wait here; more than this is a resync's job. */
const EARLY_TOTALS_MAX = 200;

/** Sends of one comment while connected but unanswered (same clientId, so never stored twice). */
const SEND_ATTEMPTS = 5;
/** Pause before the next of those sends, times the failures so far, ms. */
const RESEND_PAUSE_MS = 1_000;
/**
 * Sends of one reaction state in a row that go unanswered (connection dropped, no
 * receipt in time, not connected) before the click is given up. Each waits up to
 * connection.react()'s timeout, so three cover a reconnect with room to spare.
 */
const REACT_ATTEMPTS = 3;
/** Wait before re-asking for a join the server did not answer, ms. */
const REJOIN_DELAY_MS = 2_000;

export class PostFeed {
  post = $state<Post>() as Post;
  /** The comments of the loaded threads in sequence order, my pending ones last. */
  entries = $state<FeedEntry[]>([]);
  /** Pinned comments whose thread is not loaded: shown among the pins only. */
  readonly pinOnly = new SvelteMap<string, FeedEntry>();
  /** Per sort, the loaded run of threads; null for a sort not asked for since the last snapshot. */
  cursors = $state<Cursors>({ new: null, top: null });
  /** Per loaded thread (by its first comment's id), its replies not loaded yet. */
  readonly replyState = new SvelteMap<string, ThreadReplies>();
  /** Threads a Top page brought: they stay in the Top view however their reactions move meanwhile. */
  readonly #topLoaded = new SvelteSet<string>();
  viewers = $state(0);
  /** The server has answered this connection's join: older pages may be asked for. */
  joined = $state(false);
  /** What I may do here; the server decides, the join ack tells. */
  role = $state<Role>('participant');
  /** A problem worth telling the reader about (a reaction that did not save, a vanished post). */
  notice = $state<string | null>(null);
  /** Set by the page while the reader is scrolled down into the discussion: new threads wait behind a pill. */
  reading = $state(false);
  /** New top-level comments from others, held back while reading so the page does not move. */
  readonly held = new SvelteSet<string>();
  /** Slow mode or a rate limit: when I may post again. */
  readonly cooldown = new Cooldown();
  /** The room's pulse (reactions and comments per slice of event time), merged from every frame that carries it. */
  readonly pulse = new PulseState();

  /** Comments ahead of the viewer's playhead wait for their stream; the page sets its playhead. */
  readonly streamWait = new StreamWait<FeedEntry>(
    () => this.entries,
    () => connection.user?.id,
  );
  /** Deleted comments leave the page unless replies hang on them (then they stay as a tombstone). */
  readonly #shown = $derived(this.streamWait.visible(shownEntries(this.entries)));
  readonly threads = $derived(buildThreads(this.#shown).filter((t) => !this.held.has(t.root.id)));
  /** Held threads the reader could see now: one still waiting for their stream is not counted until it is due. */
  readonly heldShown = $derived([...this.held].filter((id) => !this.streamWait.waiting.has(id)));
  /** The post's stored comments (not only the loaded ones): from the server, then one per comment event. */
  readonly commentCount = $derived(this.post.commentCount);
  readonly pinned = $derived(
    this.post.pinned
      .map((id) => this.entries.find((e) => e.id === id) ?? this.pinOnly.get(id))
      .filter((e): e is FeedEntry => !!e && !e.deleted && !this.streamWait.waiting.has(e.id)),
  );
  readonly isFacilitator = $derived(this.role === 'facilitator');

  readonly #byId = new Map<string, FeedEntry>();
  /** `${commentId}|${kind}` with a reaction message in flight. */
  readonly #reacting = new Set<string>();
  readonly #buffer: SeqBuffer<PostEvent>;
  /** Last sequence number applied; survives the buffer's suspend() so a rejoin knows where to resume. */
  #lastSeq: number;
  /** Totals version of the last join answer (or page load): a rejoin asks for the counts changed after it. */
  #totalsVersion: number;
  /** Totals that came before their comment, by comment id. */
  readonly #earlyTotals = new Map<string, { counts: CommentTotals['counts']; version: number }>();
  /** Bumped per join; an ack from an older join is ignored. */
  #joinGeneration = 0;
  #cleanup: (() => void) | null = null;

  constructor(snapshot: FeedSnapshot) {
    this.post = snapshot.post;
    this.viewers = snapshot.post.viewers;
    this.#lastSeq = snapshot.seq;
    this.#totalsVersion = snapshot.totalsVersion;
    this.#replaceComments(snapshot, {});
    this.#buffer = new SeqBuffer<PostEvent>({
      apply: (event) => this.#apply(event),
      onGap: ({ expected }) => void this.#join(expected - 1),
    });
  }

  /** The last sequence number applied: where a resync, or an away digest (digest/), starts from. */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /**
   * Browser only: join the room and follow it until stop(). `fresh`: the first
   * join asks for a snapshot, not the events since this feed's seq (back from
   * watching later, whose page held no comments).
   */
  start(opts: { fresh?: boolean } = {}): void {
    let fresh = opts.fresh ?? false;
    if (this.#cleanup) return;
    const socket = connection.socket;
    const postId = this.post.id;
    const onEvents = (id: string, raw: unknown) => {
      if (id !== postId) return;
      const events = PostEvents.safeParse(raw);
      // A frame we cannot read means we may have missed something: resync from where we are.
      if (events.success) this.#buffer.push(events.data);
      else void this.#join(this.#lastSeq);
    };
    // Unsequenced and latest-wins: applied at once, even while a join is in flight.
    const onTotals = (id: string, raw: unknown) => {
      if (id !== postId) return;
      const update = PostTotals.safeParse(raw);
      if (!update.success) return;
      this.#applyTotals(update.data.totals, update.data.version);
      if (update.data.pulse) this.pulse.merge(update.data.pulse);
    };
    const onPulse = (id: string, buckets: unknown) => {
      if (id === postId) this.pulse.merge(buckets);
    };
    // The server's periodic "latest seq is N": being behind it in a quiet moment is a gap too.
    const onHead = (id: string, seq: unknown) => {
      if (id === postId && typeof seq === 'number' && Number.isInteger(seq)) this.#buffer.head(seq);
    };
    const onPresence = (update: { postId: string; viewers: number }) => {
      if (update.postId === postId) this.viewers = update.viewers;
    };
    // Removed, readmitted, or made facilitator in another tab: rejoin for the view that role gets.
    const onRole = (id: string, role: Role) => {
      if (id !== postId) return;
      this.role = role;
      void this.#join();
    };
    socket.on('post:events', onEvents);
    socket.on('post:totals', onTotals);
    socket.on('post:pulse', onPulse);
    socket.on('post:head', onHead);
    socket.on('presence', onPresence);
    socket.on('post:role', onRole);
    // Every (re)connect starts in no rooms: rejoin from the last applied event.
    const offConnect = connection.onConnect(() => {
      void this.#join(fresh ? undefined : this.#lastSeq);
      fresh = false;
    });

    this.#cleanup = () => {
      offConnect();
      socket.off('post:events', onEvents);
      socket.off('post:totals', onTotals);
      socket.off('post:pulse', onPulse);
      socket.off('post:head', onHead);
      socket.off('presence', onPresence);
      socket.off('post:role', onRole);
      if (socket.connected) socket.emit('post:leave', { postId });
      this.#buffer.dispose();
    };
  }

  stop(): void {
    this.joined = false;
    this.#cleanup?.();
    this.#cleanup = null;
    this.#joinGeneration++;
  }

  /** Opens a facilitator link: claims the role, then rejoins for the full view (hidden text included). */
  async claim(token: string): Promise<Result<unknown>> {
    const res = await connection.request('post:claim', { postId: this.post.id, token });
    if (!res.ok) {
      this.notice = res.error.message;
      return res;
    }
    this.role = res.data.role;
    await this.#join();
    return res;
  }

  /** New threads held while reading: show them now (those waiting for my stream, once due). Returns the visible ids, newest first. */
  reveal(): string[] {
    const ids = [...this.heldShown].reverse();
    this.held.clear();
    return ids;
  }

  /** Validates, shows the comment at once as pending, sends it, and returns the server's answer. */
  async submit(text: string, parentId: string | null): Promise<Result<Comment>> {
    const body = CommentBody.safeParse(text);
    if (!body.success) return fail('INVALID', body.error.issues[0]?.message ?? 'This comment cannot be posted');

    const clientId = newClientId();
    const me = connection.user;
    const pending = new FeedEntry({
      id: `pending-${clientId}`,
      postId: this.post.id,
      parentId,
      rootId: parentId === null ? null : (this.#byId.get(parentId)?.comment.rootId ?? parentId),
      author: { id: me?.id ?? 'me', name: me?.name ?? 'You' },
      body: body.data,
      createdAt: Date.now(),
      seq: PENDING_SEQ,
      reactions: emptyCounts(),
      byFacilitator: this.isFacilitator,
      clientId,
    });
    pending.status = 'sending';
    this.entries.push(pending);

    // Offline, the comment waits in the feed for as long as the connection is gone and
    // goes out when it returns. Connected but unanswered (storage down), it is resent a
    // few times with a growing pause, then handed back to the composer. Every send
    // carries the same clientId, so however many go out, it is stored once.
    let res: Result<Comment> = fail('UNAVAILABLE', 'Not sent');
    for (let failures = 0; ; ) {
      if (!connection.socket.connected) {
        pending.status = 'queued';
        await connection.whenConnected();
        pending.status = 'sending';
      }
      // My stream's delay: the server stamps the comment at my playhead, where I saw what I answer.
      const delayMs = this.streamWait.delayMs;
      res = await connection.request('comment:create', {
        postId: this.post.id,
        parentId,
        body: body.data,
        clientId,
        ...(delayMs > 0 && { delayMs }),
      });
      if (res.ok || res.error.code !== 'UNAVAILABLE') break;
      if (!connection.socket.connected) continue;
      if (++failures >= SEND_ATTEMPTS) break;
      await new Promise((resolve) => setTimeout(resolve, RESEND_PAUSE_MS * failures));
    }
    this.#remove(pending);
    if (res.ok) {
      this.#addComment(res.data);
      if (this.post.slowModeSeconds > 0 && !this.isFacilitator) this.cooldown.start(this.post.slowModeSeconds * 1_000);
    } else if (res.error.code === 'RATE_LIMITED' && res.error.retryAfterMs) {
      this.cooldown.start(res.error.retryAfterMs);
    } else if (res.error.code === 'FORBIDDEN') {
      // The only refusal of a named person's comment: a facilitator removed them.
      this.role = 'removed';
    } else if (res.error.code === 'LOCKED') {
      this.post.locked = true;
    }
    return res;
  }

  /**
   * Toggles by asking for the opposite of what is shown (set semantics: a resend
   * cannot flip it back). At most one message per comment and kind is in flight:
   * clicks made meanwhile only change the wanted state, and when the receipt comes
   * the newest wanted state is sent if the server does not have it yet. A burst of
   * clicks costs two messages, not one per click.
   *
   * An unanswered send (UNAVAILABLE: the connection dropped before the receipt, or
   * none came in time) may well have been stored, so the click stays pending and the
   * newest wanted state goes out again once connected: a set stored twice is stored
   * once. Only REACT_ATTEMPTS unanswered sends in a row give it up.
   */
  async toggleReaction(entry: FeedEntry, kind: ReactionKind): Promise<void> {
    if (entry.pending) return;
    entry.reactions.begin(kind, !entry.reactions.pressed(kind));
    const key = `${entry.id}|${kind}`;
    if (this.#reacting.has(key)) return;
    this.#reacting.add(key);
    try {
      let unanswered = 0;
      for (let click = entry.reactions.pendingClick(kind); click; click = entry.reactions.pendingClick(kind)) {
        // Reactions come from named people: a nameless click waits (still shown) while the name is asked for.
        const named = connection.user?.name ? true : connection.user ? await connection.ensureNamed() : true;
        if (!named) {
          entry.reactions.abandon(kind, entry.reactions.pendingClick(kind)?.ticket ?? click.ticket);
          return;
        }
        const res = await connection.react({ postId: this.post.id, commentId: entry.id, kind, active: click.active });
        // The server did not know our name yet (the page had not heard who we are): ask, then send again.
        if (!res.ok && res.error.code === 'NAME_REQUIRED' && (await connection.ensureNamed())) continue;
        if (!res.ok && res.error.code === 'UNAVAILABLE') {
          // The page left this post: nobody is waiting for the answer.
          if (!this.#cleanup) return;
          // Resend the newest wanted state; react() first waits for the connection to return.
          if (++unanswered < REACT_ATTEMPTS) continue;
        }
        if (!res.ok) {
          entry.reactions.abandon(kind, entry.reactions.pendingClick(kind)?.ticket ?? click.ticket);
          this.notice = `Your reaction was not saved: ${res.error.message}`;
          return;
        }
        unanswered = 0;
        // Its counts are those of its flush's totals frame, which is normally applied already.
        entry.reactions.setCounts(res.data.counts, res.data.version);
        entry.reactions.settle(kind, click.ticket, res.data.active);
      }
    } finally {
      this.#reacting.delete(key);
    }
  }

  /** A pin list from a facilitator's own ack: shown at once, the broadcast agrees later. */
  setPinned(pinned: string[]): void {
    this.post.pinned = pinned;
  }

  async #join(sinceSeq?: number): Promise<void> {
    const generation = ++this.#joinGeneration;
    this.joined = false;
    // Hold live events until the ack says where they fit.
    this.#buffer.suspend();
    const res = await connection.request(
      'post:join',
      sinceSeq === undefined ? { postId: this.post.id } : { postId: this.post.id, sinceSeq, sinceTotals: this.#totalsVersion },
    );
    if (generation !== this.#joinGeneration) return;
    if (!res.ok) {
      if (res.error.code === 'NOT_FOUND') {
        this.notice = 'This discussion has been removed.';
      } else if (connection.socket.connected) {
        // Connected but unanswered or refused for now: ask again, after the wait a join limit names.
        // (When disconnected, the next connect rejoins.)
        const wait = Math.max(REJOIN_DELAY_MS, res.error.retryAfterMs ?? 0);
        setTimeout(() => generation === this.#joinGeneration && void this.#join(this.#lastSeq), wait);
      }
      return;
    }
    this.#applyJoin(res.data, sinceSeq ?? 0);
    // The server-rendered page has hidden text blanked for everyone; facilitators and authors see it.
    if (res.data.mode === 'replay' && this.#missingText()) void this.#join();
  }

  #applyJoin(result: JoinResult, sinceSeq: number): void {
    this.role = result.role;
    this.joined = true;
    if (result.mode === 'snapshot') {
      this.post = result.post;
      this.viewers = result.post.viewers;
      this.#replaceComments(result, result.mine);
      this.#lastSeq = result.seq;
      this.#buffer.reset(result.seq);
    } else {
      // Held broadcasts and the replay overlap; the buffer applies each seq once.
      this.#buffer.reset(sinceSeq);
      this.#buffer.push(result.events);
      this.#applyTotals(result.totals, result.totalsVersion);
      for (const entry of [...this.entries, ...this.pinOnly.values()]) entry.reactions.setMine(result.mine[entry.id] ?? []);
    }
    this.#totalsVersion = result.totalsVersion;
    this.pulse.merge(result.pulse);
  }

  #missingText(): boolean {
    const me = connection.user?.id;
    return this.entries.some((e) => e.hidden && !e.body && (this.isFacilitator || e.comment.author.id === me));
  }

  #apply(event: PostEvent): void {
    this.#lastSeq = event.seq;
    switch (event.type) {
      case 'comment':
        this.post.commentCount += 1;
        this.#addComment(event.comment, true);
        break;
      case 'pins':
        this.post.pinned = event.pinned;
        // A pin of a comment this page has not loaded (an older page): fetch the pins to show it.
        if (event.pinned.some((id) => !this.#find(id))) void this.#loadPins();
        break;
      case 'hidden': {
        const entry = this.#find(event.commentId);
        if (!entry) break;
        entry.hidden = true;
        // Participants other than the author lose the text, as a newcomer's snapshot would.
        if (!this.isFacilitator && entry.comment.author.id !== connection.user?.id) entry.body = '';
        break;
      }
      case 'restored': {
        const entry = this.#find(event.commentId);
        if (entry) {
          entry.hidden = false;
          entry.body = event.body;
        }
        break;
      }
      case 'edited': {
        const entry = this.#find(event.commentId);
        if (!entry || entry.deleted) break;
        // Blank when the text is kept from me (hidden since): keep what the hide left.
        if (event.body) entry.body = event.body;
        entry.editedAt = event.editedAt;
        break;
      }
      case 'deleted': {
        this.post.commentCount = Math.max(0, this.post.commentCount - 1);
        const entry = this.#find(event.commentId);
        if (entry) {
          entry.deleted = true;
          entry.hidden = false;
          entry.body = '';
          entry.editedAt = null;
        }
        this.post.pinned = this.post.pinned.filter((id) => id !== event.commentId);
        break;
      }
      case 'clock':
        this.post.clock = event.clock;
        break;
      case 'moments':
        this.post.moments = event.moments;
        break;
      case 'settings':
        this.post.locked = event.locked;
        this.post.slowModeSeconds = event.slowModeSeconds;
        if (event.slowModeSeconds === 0) this.cooldown.clear();
        break;
    }
  }

  #addComment(comment: Comment, live = false): void {
    if (this.#byId.has(comment.id)) return;
    // A reply to a thread that is not loaded (an older page) is not shown; one to a thread whose
    // replies are not all loaded yet only counts among its "more replies" (mine shows at once).
    const mine = comment.author.id === connection.user?.id;
    const thread = comment.rootId === null ? null : this.replyState.get(comment.rootId);
    if (thread === undefined) return;
    if (thread && thread.unloaded > 0 && !mine) {
      if (comment.seq > thread.countedAt) thread.unloaded += 1;
      return;
    }
    if (comment.rootId === null) this.replyState.set(comment.id, new ThreadReplies(0, 0, comment.seq));
    // My comment can arrive before its ack (replayed after a reconnect): it takes the pending copy's place.
    const twin = mine && comment.clientId ? this.entries.find((e) => e.pending && e.comment.clientId === comment.clientId) : undefined;
    if (twin) this.#remove(twin);

    const entry = new FeedEntry(comment);
    this.#byId.set(comment.id, entry);
    const early = this.#earlyTotals.get(comment.id);
    if (early) {
      this.#earlyTotals.delete(comment.id);
      entry.reactions.setCounts(early.counts, early.version);
    }
    if (live && !mine && comment.parentId === null) {
      if (this.reading) this.held.add(comment.id);
      else entry.fresh = true;
    }
    const at = this.entries.findIndex((e) => e.comment.seq > comment.seq);
    if (at === -1) this.entries.push(entry);
    else this.entries.splice(at, 0, entry);
  }

  /** Totals of a frame or a replay; those of comments not here yet wait for them (bounded). */
  #applyTotals(totals: CommentTotals[], version: number): void {
    for (const { commentId, counts } of totals) {
      const entry = this.#find(commentId);
      if (entry) entry.reactions.setCounts(counts, version);
      else if (this.#earlyTotals.size < EARLY_TOTALS_MAX || this.#earlyTotals.has(commentId)) {
        const known = this.#earlyTotals.get(commentId);
        if (!known || known.version < version) this.#earlyTotals.set(commentId, { counts, version });
      }
    }
  }

  /** A comment shown anywhere: in a loaded thread or among the pins. */
  #find(id: string): FeedEntry | undefined {
    return this.#byId.get(id) ?? this.pinOnly.get(id);
  }

  #remove(entry: FeedEntry): void {
    const at = this.entries.indexOf(entry);
    if (at !== -1) this.entries.splice(at, 1);
  }

  /**
   * A snapshot (the page load, a first join, a resync outside the replay window):
   * the newest page and the pins replace what is loaded. Entries we already show
   * keep their object (their reaction state); my unsent comments stay.
   */
  #replaceComments(snapshot: Pick<FeedSnapshot, 'page' | 'pinned'>, mine: MyReactions): void {
    const previous = new Map([...this.#byId, ...this.pinOnly]);
    this.#byId.clear();
    this.replyState.clear();
    this.#topLoaded.clear();
    this.#earlyTotals.clear();
    const next = this.#takePage(snapshot.page, mine, previous);
    this.pinOnly.clear();
    for (const comment of snapshot.pinned) {
      if (this.#byId.has(comment.id)) continue;
      const entry = this.#entryFor(comment, mine, snapshot.page.totalsVersion, previous);
      this.pinOnly.set(comment.id, entry);
    }
    this.cursors = { new: snapshot.page.sort === 'new' ? new PageCursor(snapshot.page) : null, top: null };
    const ids = new Set(next.map((e) => e.id));
    for (const id of this.held) if (!ids.has(id)) this.held.delete(id);
    this.entries = [...next.sort((a, b) => a.comment.seq - b.comment.seq), ...this.entries.filter((e) => e.pending)];
  }

  /** An entry for a comment from the server: the one we have (updated), or a new one. */
  #entryFor(comment: Comment, mine: MyReactions | null, totalsVersion: number, known: Map<string, FeedEntry>): FeedEntry {
    const existing = known.get(comment.id);
    const entry = existing ?? new FeedEntry(comment, mine?.[comment.id] ?? []);
    entry.reactions.setCounts(comment.reactions, totalsVersion);
    if (existing) {
      existing.update(comment);
      if (mine) existing.reactions.setMine(mine[comment.id] ?? []);
    }
    return entry;
  }

  /** Registers a page's threads (not yet in `entries`); returns the entries new to the thread list. */
  #takePage(page: ThreadPage, mine: MyReactions | null, known: Map<string, FeedEntry>): FeedEntry[] {
    const added: FeedEntry[] = [];
    for (const thread of page.threads) {
      if (page.sort === 'top') this.#topLoaded.add(thread.root.id);
      if (this.replyState.has(thread.root.id)) continue;
      for (const comment of [thread.root, ...thread.replies]) {
        if (this.#byId.has(comment.id)) continue;
        const entry = this.#entryFor(comment, mine, page.totalsVersion, known);
        this.#byId.set(comment.id, entry);
        this.pinOnly.delete(comment.id);
        added.push(entry);
      }
      const through = thread.replies.at(-1)?.seq ?? 0;
      this.replyState.set(thread.root.id, new ThreadReplies(thread.replyCount - thread.replies.length, through, page.seq));
    }
    return added;
  }

  /** The threads one sort shows: the loaded run from its first page down, and my new ones. */
  view(order: ThreadSort): Thread<FeedEntry>[] {
    const cursor = this.cursors[order];
    if (order === 'new') return this.threads.filter((t) => t.root.comment.seq >= (cursor?.floor ?? 0));
    if (!cursor) return [];
    const floor = cursor.floor;
    return sortThreads(
      this.threads.filter((t) => this.#topLoaded.has(t.root.id) || topRank(t.root.reactions.total, t.root.comment.seq) >= floor),
      'top',
    );
  }

  /**
   * The next page of a sort (the first, for Top not asked for yet). Returns the
   * ids of the threads it added, in order, or an error the page can show.
   */
  async loadPage(sort: ThreadSort): Promise<Result<string[]>> {
    const cursor = this.cursors[sort];
    if (cursor?.loading || (cursor && cursor.next === null)) return { ok: true, data: [] };
    if (!this.joined) return fail('UNAVAILABLE', 'Still connecting to the discussion; try again in a moment.');
    if (cursor) cursor.loading = true;
    const generation = this.#joinGeneration;
    const res = await connection.request('post:page', {
      postId: this.post.id,
      sort,
      ...(cursor?.next != null ? { before: cursor.next } : {}),
    });
    if (cursor) cursor.loading = false;
    // A snapshot came meanwhile: it decides what is loaded.
    if (generation !== this.#joinGeneration || this.cursors[sort] !== cursor) return { ok: true, data: [] };
    if (!res.ok) return res;
    const page = res.data;
    const added = this.#takePage(page, null, new Map(this.pinOnly));
    this.#insertAll(added);
    if (cursor) {
      cursor.next = page.next;
      cursor.remaining = page.remaining;
    } else this.cursors[sort] = new PageCursor(page);
    return { ok: true, data: page.threads.map((t) => t.root.id) };
  }

  /** The pinned comments, for pins of comments outside the loaded threads; a failure leaves the pin unshown until the next join. */
  async #loadPins(): Promise<void> {
    const generation = this.#joinGeneration;
    const res = await connection.request('post:pins', { postId: this.post.id });
    if (!res.ok || generation !== this.#joinGeneration) return;
    for (const comment of res.data) {
      if (this.#find(comment.id)) continue;
      this.pinOnly.set(comment.id, this.#entryFor(comment, null, this.#totalsVersion, new Map()));
    }
  }

  /** Loads the replies of a thread that are not here yet (a page of them). */
  async loadReplies(rootId: string): Promise<Result<null>> {
    const state = this.replyState.get(rootId);
    if (!state || state.loading || state.unloaded === 0) return { ok: true, data: null };
    if (!this.joined) return fail('UNAVAILABLE', 'Still connecting to the discussion; try again in a moment.');
    state.loading = true;
    const res = await connection.request('post:replies', { postId: this.post.id, rootId, after: state.through });
    state.loading = false;
    if (this.replyState.get(rootId) !== state) return { ok: true, data: null };
    if (!res.ok) return res;
    const added: FeedEntry[] = [];
    for (const comment of res.data.replies) {
      if (this.#byId.has(comment.id)) continue;
      const entry = this.#entryFor(comment, null, this.#totalsVersion, new Map());
      this.#byId.set(comment.id, entry);
      added.push(entry);
    }
    this.#insertAll(added);
    state.through = res.data.replies.at(-1)?.seq ?? state.through;
    state.countedAt = Math.max(state.countedAt, res.data.seq);
    state.unloaded = res.data.remaining;
    return { ok: true, data: null };
  }

  /** Entries into sequence order, before my pending ones (one sort, not one splice each). */
  #insertAll(added: FeedEntry[]): void {
    if (added.length === 0) return;
    const pending = this.entries.filter((e) => e.pending);
    const stored = [...this.entries.filter((e) => !e.pending), ...added].sort((a, b) => a.comment.seq - b.comment.seq);
    this.entries = [...stored, ...pending];
  }
}

/** Drops deleted comments that nothing answers; children come after parents, so one backwards pass sees them first. */
function shownEntries(entries: readonly FeedEntry[]): FeedEntry[] {
  const answered = new Set<string>();
  const keep: FeedEntry[] = [];
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i]!;
    if (entry.deleted && !answered.has(entry.id)) continue;
    keep.push(entry);
    if (entry.comment.parentId) answered.add(entry.comment.parentId);
  }
  return keep.reverse();
}
