/**
 * Times written in a comment ("that cut at 12:40!", "1:02:03") become moment
 * links. The text is only split into pieces here; the page renders each piece
 * as a text node or a button, never as HTML.
 */
import { parseClockTime } from '@board/shared';

export type TextPiece = { text: string; moment?: undefined } | { text: string; moment: number };

/** h:mm:ss or m:ss / mm:ss, not inside a longer run of digits, colons or dots (a date, an IP, 12:30:45:10). */
const TIME = /(?<![\d:.])(?:\d{1,2}:[0-5]\d:[0-5]\d|\d{1,2}:[0-5]\d)(?![\d:]|\.\d)/g;

export function momentPieces(text: string): TextPiece[] {
  const pieces: TextPiece[] = [];
  let last = 0;
  for (const match of text.matchAll(TIME)) {
    const moment = parseClockTime(match[0]);
    if (moment === null) continue;
    if (match.index > last) pieces.push({ text: text.slice(last, match.index) });
    pieces.push({ text: match[0], moment });
    last = match.index + match[0].length;
  }
  if (last < text.length) pieces.push({ text: text.slice(last) });
  return pieces;
}
