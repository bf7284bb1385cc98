/**
 * A host's theme for the frame: light or dark forced (data-theme on <html>,
 * which app.css and embed-theme.css read), or auto (the reader's own
 * preference); an accent colour with readable text on it.
 */
import type { EmbedTheme } from '@board/shared';
import { textOn } from './embed-options';

export function applyTheme(theme: EmbedTheme, accent: string | null): void {
  const root = document.documentElement;
  if (theme === 'auto') delete root.dataset.theme;
  else root.dataset.theme = theme;
  root.style.colorScheme = theme === 'auto' ? '' : theme;
  if (accent) {
    root.style.setProperty('--accent', accent);
    root.style.setProperty('--focus', accent);
    root.style.setProperty('--accent-text', textOn(accent));
  } else {
    for (const p of ['--accent', '--focus', '--accent-text']) root.style.removeProperty(p);
  }
}
