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

type Rgb = [number, number, number];
const rgbOf = (colour: string): Rgb => {
  const hex = colour.length === 4 ? [...colour.slice(1)].map((c) => c + c).join('') : colour.slice(1, 7);
  return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb;
};
const hexOf = (rgb: Rgb) => `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
/** WCAG relative luminance. */
const luminance = ([r, g, b]: Rgb) => {
  const lin = (c: number) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
};
const contrast = (a: Rgb, b: Rgb) => {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p) as [number, number];
  return (x + 0.05) / (y + 0.05);
};

/** Text on an accent: black or white, whichever reads better. */
export function textOn(accent: string): string {
  const rgb = rgbOf(accent);
  return contrast(rgb, [0, 0, 0]) >= contrast(rgb, [255, 255, 255]) ? '#000000' : '#ffffff';
}

/**
 * The host's accent, moved towards white (on dark backgrounds) or black (on
 * light ones) just enough to read as link text on each of `backgrounds`
 * (4.5:1, WCAG AA): a host's brand colour must not make the board unreadable.
 */
export function readableAccent(accent: string, backgrounds: string[]): string {
  const bgs = backgrounds.filter((b) => /^#[0-9a-fA-F]{3,6}$/.test(b)).map(rgbOf);
  if (bgs.length === 0) return accent;
  const base = rgbOf(accent);
  const dark = luminance(bgs[0]!) < 0.2;
  const target: Rgb = dark ? [255, 255, 255] : [0, 0, 0];
  for (let t = 0; t <= 1; t += 0.05) {
    const mixed = base.map((c, i) => c + (target[i]! - c) * t) as Rgb;
    if (bgs.every((bg) => contrast(mixed, bg) >= 4.5)) return hexOf(mixed);
  }
  return hexOf(target);
}
