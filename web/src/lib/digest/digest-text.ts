/** The away digest in words (AwayDigest.svelte). */
import type { ReactionCounts } from '@board/shared';
import { reactionTotal } from '@board/shared';

/** "less than a minute", "3 min", "2 h 5 min". */
export function awayText(ms: number): string {
  const min = Math.floor(ms / 60_000);
  if (min < 1) return 'less than a minute';
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  return min % 60 === 0 ? `${h} h` : `${h} h ${min % 60} min`;
}

/** "1 reaction", "12 reactions". */
export function reactionsText(counts: ReactionCounts): string {
  const n = reactionTotal({ reactions: counts });
  return n === 1 ? '1 reaction' : `${n.toLocaleString('en')} reactions`;
}
