/**
 * Generated avatars: initials on a colour picked from the user id, so the same
 * person has the same colour everywhere and no image is ever fetched.
 */

/** Up to two initials: first and last word ("Maya Okafor" → "MO", "sam" → "S"); words of only punctuation ("(host)") are skipped. */
export function initials(name: string): string {
  const all = name.trim().split(/\s+/).filter(Boolean);
  const lettered = all.filter((w) => /^[\p{L}\p{N}]/u.test(w));
  const words = lettered.length > 0 ? lettered : all;
  if (words.length === 0) return '?';
  const first = [...words[0]!][0] ?? '';
  const last = words.length > 1 ? ([...words[words.length - 1]!][0] ?? '') : '';
  return (first + last).toLocaleUpperCase();
}

/** FNV-1a: cheap, stable, and spreads similar ids ("u_demo_maya", "u_demo_sam") far apart. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A hue in OKLCH at a fixed lightness: oklch 48% keeps white initials above
 * 4.5:1 contrast for every hue, which HSL at a fixed lightness does not.
 */
export function avatarColour(userId: string): string {
  return `oklch(48% 0.11 ${hash(userId) % 360})`;
}
