/**
 * What a paragraph of a comment is made of, in order: http(s) links, moment
 * times ("at 12:40") and mentions of the reader ("@Ana"). The text is only split
 * into pieces here; CommentText renders each as a text node, a link or a
 * button, never as HTML. Anything that is not an http(s) URL (javascript:,
 * data:, a bare "example.com") stays text.
 */
import { momentPieces } from '../event-clock/moment-text.js';

export type InlinePiece =
  | { kind: 'text'; text: string }
  /** `host`: what the link shows (its host name, without www.); `href`: the URL as the browser parsed it. */
  | { kind: 'link'; text: string; href: string; host: string }
  | { kind: 'moment'; text: string; moment: number }
  /** The reader's own name after an @: highlighted for them alone. */
  | { kind: 'mention'; text: string };

/** A candidate URL: scheme, then anything up to white space or a character that cannot be in one unescaped. */
const URL_CANDIDATE = /\bhttps?:\/\/[^\s<>"'`]+/gi;
/** Punctuation that ends a sentence rather than a URL ("see https://x.org."). */
const TRAILING = /[.,;:!?*_~]+$/;

/** The URL a candidate stands for, trimmed of trailing punctuation and unbalanced closing brackets; null when it is not a web address. */
export function parseWebUrl(candidate: string): { text: string; href: string; host: string } | null {
  let text = candidate.replace(TRAILING, '');
  // "(see https://en.wikipedia.org/wiki/Foo_(bar))" keeps the URL's own pair, drops the sentence's.
  for (const [open, close] of [['(', ')'], ['[', ']']] as const) {
    while (text.endsWith(close) && text.split(close).length > text.split(open).length) text = text.slice(0, -1).replace(TRAILING, '');
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') return null;
  // Credentials in a link ("https://bank.com@evil.example") name one host and go to another.
  if (url.username !== '' || url.password !== '') return null;
  return { text, href: url.href, host: url.hostname.replace(/^www\./, '') };
}

/** http(s) links and the text between them. */
export function linkPieces(text: string): InlinePiece[] {
  const pieces: InlinePiece[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_CANDIDATE)) {
    const link = parseWebUrl(match[0]);
    if (!link) continue;
    if (match.index > last) pieces.push({ kind: 'text', text: text.slice(last, match.index) });
    pieces.push({ kind: 'link', ...link });
    last = match.index + link.text.length;
  }
  if (last < text.length) pieces.push({ kind: 'text', text: text.slice(last) });
  return pieces;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** "@name" of the reader (any case), not followed by more of a name: "@Ana" mentions Ana, "@Anastasia" does not. */
export function mentionPieces(text: string, myName: string | null): InlinePiece[] {
  if (!myName) return text === '' ? [] : [{ kind: 'text', text }];
  const mention = new RegExp(`(?<![\\p{L}\\p{N}_])@${escapeRegExp(myName)}(?![\\p{L}\\p{N}_])`, 'giu');
  const pieces: InlinePiece[] = [];
  let last = 0;
  for (const match of text.matchAll(mention)) {
    if (match.index > last) pieces.push({ kind: 'text', text: text.slice(last, match.index) });
    pieces.push({ kind: 'mention', text: match[0] });
    last = match.index + match[0].length;
  }
  if (last < text.length) pieces.push({ kind: 'text', text: text.slice(last) });
  return pieces;
}

/** Does this text mention the reader? */
export const mentions = (text: string, myName: string | null): boolean => mentionPieces(text, myName).some((p) => p.kind === 'mention');

/**
 * A paragraph's pieces: links first (a time inside a URL is part of the URL),
 * then, in the text between, moment times when the page has an event clock, then the reader's mentions.
 */
export function inlinePieces(paragraph: string, opts: { moments: boolean; myName: string | null }): InlinePiece[] {
  const out: InlinePiece[] = [];
  for (const piece of linkPieces(paragraph)) {
    if (piece.kind !== 'text') {
      out.push(piece);
      continue;
    }
    const timed = opts.moments ? momentPieces(piece.text) : [{ text: piece.text }];
    for (const t of timed) {
      if (t.moment !== undefined) out.push({ kind: 'moment', text: t.text, moment: t.moment });
      else out.push(...mentionPieces(t.text, opts.myName));
    }
  }
  return out;
}
