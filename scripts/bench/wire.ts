/**
 * The few things of the Engine.IO v4 / Socket.IO v5 wire protocol the raw
 * viewers speak, and the bench's own conventions on top of it.
 *
 * Engine.IO text packets: "0" open, "2" ping (answer "3"), "4" message.
 * Socket.IO packets ride in "4" messages: "40{auth}" connect, "42[...]" event,
 * "42<id>[...]" event wanting an ack, "43<id>[...]" the ack, "44{...}" refusal.
 * Reaction clicks go like the web client's: "42[...]" without an ack, with a
 * `ref`, answered in "reaction:receipts" event frames.
 */
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';

export const BENCH_POST_ID = 'bench';

/**
 * Comment bodies carry the send time and a counter: `bench|<ms>|<n>|`. The time is
 * performance.now() of the load process, which also runs the viewers, so send and
 * receive are read from one clock.
 */
export const bodyFor = (sentAt: number, n: number) => `bench|${sentAt.toFixed(3)}|${n}|`;

/** Where a bench comment body starts in a raw frame, as bytes to search for. */
export const BODY_MARK = Buffer.from('"body":"bench|');
export const POST_EVENTS_PREFIX = Buffer.from('42["post:events"');
export const TOTALS_PREFIX = Buffer.from('42["post:totals"');
export const RECEIPTS_PREFIX = Buffer.from('42["reaction:receipts",');
export const VERSION_MARK = Buffer.from('"version":');

/** Reads the number that starts at `at` in `buf` (digits, one dot), up to the next non-number byte. */
export function readNumber(buf: Buffer, at: number): { value: number; end: number } {
  let end = at;
  while (end < buf.length) {
    const c = buf[end]!;
    if ((c >= 0x30 && c <= 0x39) || c === 0x2e) end++;
    else break;
  }
  return { value: Number(buf.toString('latin1', at, end)), end };
}

export const sioUrl = (port: number) => `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`;

/** A page load as a browser makes one (gzip taken), read as bytes: node:http and one gunzip, no web streams. */
export interface LoadedPage {
  status: number;
  /** Bytes on the wire, and after decoding. */
  wireBytes: number;
  body: Buffer;
}

/**
 * GETs `url` with `Accept-Encoding: gzip`. The load generator shares one core with
 * thousands of viewers: fetch's web streams and a TextDecoder over every 100 KB page
 * were a third of its CPU in the rush, and a saturated load generator times itself.
 */
export function loadPage(url: string): Promise<LoadedPage> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        try {
          const body = res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
          resolve({ status: res.statusCode ?? 0, wireBytes: raw.length, body });
        } catch (err) {
          reject(err as Error);
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** What follows the page's seq, with the key quoted (JSON) or not (a JS object literal). */
const SEQ_MARKS = [Buffer.from(',"totalsVersion":'), Buffer.from(',totalsVersion:')];

/**
 * The `seq` and `totalsVersion` a post page's data holds (the page's own pair: a comment's seq is
 * never followed by totalsVersion), as the web client joins from them; null when absent.
 */
export function pageSeq(body: Buffer): { seq: number; totalsVersion: number } | null {
  for (const mark of SEQ_MARKS) {
    const at = body.indexOf(mark);
    if (at < 0) continue;
    let start = at;
    while (start > 0 && body[start - 1]! >= 0x30 && body[start - 1]! <= 0x39) start--;
    // The digits must be the value of `seq` (quoted or not), or the page's shape has changed.
    const key = body.toString('latin1', Math.max(0, start - 6), start);
    if (start === at || !(key.endsWith('"seq":') || key.endsWith('seq:'))) return null;
    return { seq: Number(body.toString('latin1', start, at)), totalsVersion: readNumber(body, at + mark.length).value };
  }
  return null;
}
