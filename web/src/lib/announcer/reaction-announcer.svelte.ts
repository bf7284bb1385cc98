/**
 * Tells screen-reader users, politely, that reaction counts they can see have
 * changed. It watches what the reaction bars render (not the socket), and says
 * it through one live region per page:
 * - only comments on screen (an IntersectionObserver); changes made while a
 *   comment is off screen are taken as read;
 * - never the person's own click: a count is compared without their own
 *   reaction in it, so pressing "Like" changes nothing to announce;
 * - at most once per REACTION_ANNOUNCE_INTERVAL_MS for the whole page (so at
 *   most that often per comment); what changed in between is one message.
 */
import { REACTION_KINDS, type ReactionKind } from '@board/shared';
import { createContext, untrack } from 'svelte';
import type { ReactionState } from '$lib/realtime/reaction-state.svelte';

/** Milliseconds between two announcements: long enough for a screen reader to finish a sentence and the person to act. */
export const REACTION_ANNOUNCE_INTERVAL_MS = 5_000;

/** More comments changed than this in one interval: say how many instead of listing them. */
const LISTED_COMMENTS = 2;

const WORDS: Record<ReactionKind, string> = { like: 'Like', love: 'Love', laugh: 'Laugh', wow: 'Wow' };

type Counts = Record<ReactionKind, number>;

/** One reaction bar on the page. The same comment can have two (its pinned copy). */
interface Watch {
  reactions: ReactionState;
  author: string;
  onScreen: boolean;
  /** Other people's counts as last announced, or taken as read. */
  heard: Counts;
}

/** Counts without this person's own reactions: their clicks are not news to them. */
function othersCounts(reactions: ReactionState): Counts {
  const counts = {} as Counts;
  for (const kind of REACTION_KINDS) counts[kind] = reactions.count(kind) - (reactions.pressed(kind) ? 1 : 0);
  return counts;
}

export class ReactionAnnouncer {
  /** The text of the page's live region. */
  message = $state('');

  readonly #watches = new Map<Element, Watch>();
  readonly #changed = new Set<Watch>();
  #observer: IntersectionObserver | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastSpokeAt = -Infinity;

  /**
   * An attachment for a reaction bar: follows what it shows for as long as it
   * is on the page. Getters, so new counts update the watch instead of
   * re-creating it.
   */
  follow(reactions: () => ReactionState, author: () => string) {
    return (element: Element) => {
      // Untracked: the setup runs once per element; the effect below follows the counts.
      const watch: Watch = untrack(() => ({ reactions: reactions(), author: author(), onScreen: false, heard: othersCounts(reactions()) }));
      this.#watches.set(element, watch);
      this.#observe(element);

      $effect(() => {
        watch.reactions = reactions();
        watch.author = author();
        const now = othersCounts(watch.reactions);
        if (!watch.onScreen) watch.heard = now;
        else if (REACTION_KINDS.some((kind) => now[kind] !== watch.heard[kind])) this.#queue(watch);
      });

      return () => {
        this.#observer?.unobserve(element);
        this.#watches.delete(element);
        this.#changed.delete(watch);
      };
    };
  }

  destroy(): void {
    clearTimeout(this.#timer);
    this.#observer?.disconnect();
    this.#watches.clear();
    this.#changed.clear();
  }

  #observe(element: Element): void {
    this.#observer ??= new IntersectionObserver((entries) => {
      for (const entry of entries) {
        const watch = this.#watches.get(entry.target);
        if (!watch) continue;
        watch.onScreen = entry.isIntersecting;
        // What changed out of sight is not news when it scrolls in.
        if (!watch.onScreen) this.#changed.delete(watch);
        watch.heard = othersCounts(watch.reactions);
      }
    });
    this.#observer.observe(element);
  }

  #queue(watch: Watch): void {
    this.#changed.add(watch);
    if (this.#timer !== undefined) return;
    const wait = Math.max(0, this.#lastSpokeAt + REACTION_ANNOUNCE_INTERVAL_MS - performance.now());
    this.#timer = setTimeout(() => this.#speak(), wait);
  }

  #speak(): void {
    this.#timer = undefined;
    const lines: string[] = [];
    const told = new Set<ReactionState>();
    for (const watch of this.#changed) {
      const now = othersCounts(watch.reactions);
      const kinds = REACTION_KINDS.filter((kind) => now[kind] !== watch.heard[kind]);
      watch.heard = now;
      if (kinds.length === 0 || !watch.onScreen || told.has(watch.reactions)) continue;
      told.add(watch.reactions);
      const counts = kinds.map((kind) => `${WORDS[kind]} ${watch.reactions.count(kind)}`).join(', ');
      lines.push(`${watch.author}'s comment: ${counts}.`);
    }
    this.#changed.clear();
    if (lines.length === 0) return;
    const text = lines.length > LISTED_COMMENTS ? `New reactions on ${lines.length} comments.` : lines.join(' ');
    // The same words again would not be a change to the region: vary them invisibly.
    this.message = text === this.message ? `${text}\u00a0` : text;
    this.#lastSpokeAt = performance.now();
  }
}

/** Set once per page by the root layout, which renders its live region. */
export const [getReactionAnnouncer, setReactionAnnouncer, hasReactionAnnouncer] = createContext<ReactionAnnouncer>();
