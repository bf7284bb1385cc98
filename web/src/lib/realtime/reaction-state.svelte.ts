/**
 * One comment's reactions as this person sees them: the server's absolute
 * counts, the kinds the server knows I pressed, and my clicks still in flight.
 * Shown = server truth adjusted by what is pending, so a click feels instant
 * and a late broadcast never undoes it; the ack settles it.
 */
import { REACTION_KINDS, type ReactionCounts, type ReactionKind } from '@board/shared';

interface PendingClick {
  active: boolean;
  /** Which click this is: only the newest click for a kind may clear the pending state. */
  ticket: number;
}

export class ReactionState {
  #counts = $state<ReactionCounts>({ like: 0, love: 0, laugh: 0, wow: 0 });
  #mine = $state<ReactionKind[]>([]);
  #pending = $state<Partial<Record<ReactionKind, PendingClick>>>({});
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
    return Math.max(0, this.#counts[kind] + delta);
  }

  get total(): number {
    return REACTION_KINDS.reduce((sum, kind) => sum + this.count(kind), 0);
  }

  /** Absolute totals from a broadcast or a snapshot. */
  setCounts(counts: ReactionCounts): void {
    this.#counts = { ...counts };
  }

  /** What the server says I have pressed (join ack). */
  setMine(kinds: readonly ReactionKind[]): void {
    this.#mine = [...kinds];
  }

  /** The newest click not yet settled for a kind, if any. */
  pendingClick(kind: ReactionKind): PendingClick | undefined {
    return this.#pending[kind];
  }

  /** A click: shown at once, remembered until its ack. */
  begin(kind: ReactionKind, active: boolean): number {
    const ticket = ++this.#tickets;
    this.#pending[kind] = { active, ticket };
    return ticket;
  }

  /**
   * The ack for a click: its counts are the newest the server has for this
   * comment. A later click stays pending unless the server already has what it asks.
   */
  settle(kind: ReactionKind, ticket: number, active: boolean, counts: ReactionCounts): void {
    this.#counts = { ...counts };
    this.#mine = active ? [...new Set([...this.#mine, kind])] : this.#mine.filter((k) => k !== kind);
    const click = this.#pending[kind];
    if (click && (click.ticket === ticket || click.active === active)) delete this.#pending[kind];
  }

  /** The click failed: show the server's state again. */
  abandon(kind: ReactionKind, ticket: number): void {
    if (this.#pending[kind]?.ticket === ticket) delete this.#pending[kind];
  }
}
