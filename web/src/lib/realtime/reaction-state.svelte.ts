/**
 * One comment's reactions as this person sees them: the server's absolute
 * counts (the highest totals version seen wins), the kinds the server knows I
 * pressed, and my clicks still in flight. Shown = server truth adjusted by what
 * is pending, so a click feels instant and a late frame never undoes it; its
 * receipt settles it.
 */
import { REACTION_KINDS, type ReactionCounts, type ReactionKind } from '@board/shared';

interface PendingClick {
  active: boolean;
  /** Which click this is: only the newest click for a kind may clear the pending state. */
  ticket: number;
}

export class ReactionState {
  #counts = $state<ReactionCounts>({ like: 0, love: 0, laugh: 0, wow: 0 });
  /** The totals version `#counts` come from. */
  #version = 0;
  #mine = $state<ReactionKind[]>([]);
  #pending = $state<Partial<Record<ReactionKind, PendingClick>>>({});
  /**
   * Used while a kind has a click pending: the server's count as it stood with my
   * settled state. A totals frame cannot say whose clicks it holds and comes just
   * before the click's receipt, so building on newer totals would count the click
   * twice: once in them, once as pending.
   */
  #base = $state<Partial<Record<ReactionKind, number>>>({});
  #tickets = 0;

  constructor(counts: ReactionCounts, mine: readonly ReactionKind[]) {
    this.#counts = { ...counts };
    this.#mine = [...mine];
  }

  pressed(kind: ReactionKind): boolean {
    return this.#pending[kind]?.active ?? this.#mine.includes(kind);
  }

  count(kind: ReactionKind): number {
    const click = this.#pending[kind];
    const confirmed = this.#mine.includes(kind);
    const delta = click && click.active !== confirmed ? (click.active ? 1 : -1) : 0;
    return Math.max(0, (click ? (this.#base[kind] ?? this.#counts[kind]) : this.#counts[kind]) + delta);
  }

  get total(): number {
    return REACTION_KINDS.reduce((sum, kind) => sum + this.count(kind), 0);
  }

  /** Absolute totals from a totals frame, a replay or a snapshot; older than what is shown, they are ignored. */
  setCounts(counts: ReactionCounts, version: number): void {
    if (version <= this.#version) return;
    this.#version = version;
    this.#counts = { ...counts };
  }

  /** What the server says I have pressed (join ack, which brings counts that agree with it). */
  setMine(kinds: readonly ReactionKind[]): void {
    this.#mine = [...kinds];
    this.#base = { ...this.#counts };
  }

  /** The newest click not yet settled for a kind, if any. */
  pendingClick(kind: ReactionKind): PendingClick | undefined {
    return this.#pending[kind];
  }

  /** A click: shown at once, remembered until its receipt. */
  begin(kind: ReactionKind, active: boolean): number {
    const ticket = ++this.#tickets;
    if (!this.#pending[kind]) this.#base[kind] = this.#counts[kind];
    this.#pending[kind] = { active, ticket };
    return ticket;
  }

  /**
   * The receipt for a click. Its counts are not taken: the totals frame of its
   * flush came just before it and holds them, and a later frame may be newer.
   * A later click stays pending unless the server already has what it asks.
   */
  settle(kind: ReactionKind, ticket: number, active: boolean): void {
    this.#mine = active ? [...new Set([...this.#mine, kind])] : this.#mine.filter((k) => k !== kind);
    const click = this.#pending[kind];
    if (click && (click.ticket === ticket || click.active === active)) delete this.#pending[kind];
    // The newest totals show this click and not the next one (sent only now: one in flight per kind).
    if (this.#pending[kind]) this.#base[kind] = this.#counts[kind];
  }

  /** The click failed: show the server's state again. */
  abandon(kind: ReactionKind, ticket: number): void {
    if (this.#pending[kind]?.ticket === ticket) delete this.#pending[kind];
  }
}
