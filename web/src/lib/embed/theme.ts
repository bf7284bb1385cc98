/**
 * A host's theme for the frame: light or dark forced (data-theme on <html>,
 * which app.css and embed-theme.css read), or auto (the reader's own
 * preference); an accent colour with readable text on it.
 */
import type { EmbedTheme } from '@board/shared';
import { readableAccent, textOn } from './embed-options';

export function applyTheme(theme: EmbedTheme, accent: string | null): void {
  const root = document.documentElement;
  if (theme === 'auto') delete root.dataset.theme;
  else root.dataset.theme = theme;
  root.style.colorScheme = theme === 'auto' ? '' : theme;
  for (const p of ['--accent', '--focus', '--accent-text']) root.style.removeProperty(p);
  if (!accent) return;
  // Read against this theme's own backgrounds (the properties as app.css sets them).
  const style = getComputedStyle(root);
  const colour = readableAccent(accent, ['--bg', '--surface', '--surface-sunken', '--accent-soft', '--pressed-bg'].map((p) => style.getPropertyValue(p).trim()));
  root.style.setProperty('--accent', colour);
  root.style.setProperty('--focus', colour);
  root.style.setProperty('--accent-text', textOn(colour));
}
