/**
 * What a host page's embed.js passes to the frame in its URL: the theme, the
 * accent colour, and the host page's origin (where the frame sends its
 * height and from where it accepts a sign-in token). Each is checked; a bad
 * one is dropped, never echoed.
 */
import { EmbedAccent, EmbedTheme, parseOrigins, type EmbedTheme as Theme } from '@board/shared';

export interface EmbedOptions {
  theme: Theme;
  accent: string | null;
  /** The framing page's origin when it is one of EMBED_ORIGINS; null otherwise (then the frame talks to no one). */
  parent: string | null;
}

export function embedOptions(url: URL, embedOrigins: string | undefined): EmbedOptions {
  const theme = EmbedTheme.safeParse(url.searchParams.get('theme'));
  const accent = EmbedAccent.safeParse(url.searchParams.get('accent'));
  const allowed = parseOrigins(embedOrigins);
  const parent = url.searchParams.get('parent');
  return {
    theme: theme.success ? theme.data : 'auto',
    accent: accent.success ? accent.data : null,
    parent: allowed.ok && parent && allowed.origins.includes(parent) ? parent : null,
  };
}

/** Text on an accent: black or white, whichever reads better (WCAG relative luminance). */
export function textOn(accent: string): string {
  const hex = accent.length === 4 ? [...accent.slice(1)].map((c) => c + c).join('') : accent.slice(1);
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const l = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return (l + 0.05) / 0.05 > 1.05 / (l + 0.05) ? '#000000' : '#ffffff';
}
