/**
 * The frame's side of the conversation with the host page (embed.js): it
 * sends its content's height to the parent's origin only, and accepts a
 * sign-in token or a theme only from that same origin and window.
 */
import { EMBED_MESSAGES, EmbedAccent, EmbedTheme } from '@board/shared';
import { signInWithHostToken } from '$lib/identity/sso';
import { applyTheme } from './theme';

export interface FrameLinkState {
  /** Why the host's sign-in was refused, for people. */
  signInError: string | null;
}

export function linkToHost(parent: string, content: HTMLElement, state: FrameLinkState): () => void {
  const host = window.parent;
  let lastHeight = -1;
  const sendHeight = () => {
    // The content's own height (not the frame's), so the frame can shrink as well as grow.
    const height = Math.ceil(content.getBoundingClientRect().height);
    if (height === lastHeight) return;
    lastHeight = height;
    host.postMessage({ type: EMBED_MESSAGES.resize, height }, parent);
  };
  const observer = new ResizeObserver(sendHeight);
  observer.observe(content);
  sendHeight();

  const onMessage = (event: MessageEvent) => {
    if (event.origin !== parent || event.source !== host) return;
    const data: unknown = event.data;
    if (typeof data !== 'object' || data === null) return;
    const { type, token, theme, accent } = data as Record<string, unknown>;
    if (type === EMBED_MESSAGES.sso && typeof token === 'string') {
      void signInWithHostToken(token).then((res) => {
        state.signInError = res.ok ? null : res.error.message;
      });
    } else if (type === EMBED_MESSAGES.theme) {
      const t = EmbedTheme.safeParse(theme);
      const a = EmbedAccent.safeParse(accent);
      applyTheme(t.success ? t.data : 'auto', a.success ? a.data : null);
    }
  };
  window.addEventListener('message', onMessage);
  host.postMessage({ type: EMBED_MESSAGES.ready }, parent);
  return () => {
    observer.disconnect();
    window.removeEventListener('message', onMessage);
  };
}
