import type { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import * as ws from 'ws';
import { textFrame } from './direct-frames.js';

/** ws's own frame parser: exported by the package, though @types/ws does not declare it. */
const { Receiver } = ws as unknown as { Receiver: new (options: { isServer: boolean }) => Writable };

/** What ws, the library the clients' side of a connection runs, reads out of `bytes`. */
function decode(bytes: Buffer): string[] {
  const messages: string[] = [];
  // A client's receiver: frames from a server are unmasked.
  const receiver = new Receiver({ isServer: false });
  receiver.on('message', (data: Buffer, isBinary: boolean) => {
    expect(isBinary).toBe(false);
    messages.push(data.toString('utf8'));
  });
  receiver.on('error', (err: Error) => {
    throw err;
  });
  receiver.write(bytes);
  return messages;
}

describe('direct text frames', () => {
  it('encodes every payload length the three header sizes cover, and multi-byte text', () => {
    for (const length of [0, 1, 125, 126, 65_535, 65_536, 200_000]) {
      const text = 'x'.repeat(length);
      expect(decode(textFrame(text))).toEqual([text]);
    }
    // Lengths count bytes, not characters.
    const text = `42["reaction:receipts",{"name":"Zoë 🎉"}]`.repeat(4);
    expect(decode(textFrame(text))).toEqual([text]);
    expect(decode(Buffer.concat([textFrame('a'), textFrame('b'.repeat(300))]))).toEqual(['a', 'b'.repeat(300)]);
  });
});
