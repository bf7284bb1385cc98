/**
 * Page requests the board refuses are logged as one line with their code, not
 * as a stack trace. Runs the built pages (web/build, made by `pnpm --filter
 * @board/web build`, which `npm test` runs first) inside a real board.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RequestHandler } from 'express';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { configFrom, createRealtime, silentLog, type Realtime } from '@board/realtime';

const HANDLER = resolve(import.meta.dirname, '../../web/build/handler.js');

describe('page requests the board refuses', () => {
  let realtime: Realtime;
  let url: string;
  beforeAll(async () => {
    if (!existsSync(HANDLER)) throw new Error(`${HANDLER} is missing: run pnpm --filter @board/web build first`);
    const { handler } = (await import(pathToFileURL(HANDLER).href)) as { handler: RequestHandler };
    realtime = createRealtime(configFrom({ SEED_DEMO: 'true', RATE_LIMIT_FACTOR: '0', SESSION_SECRET: 'x'.repeat(40) }), {
      log: silentLog,
      webHandler: handler,
    });
    url = `http://127.0.0.1:${await realtime.listen(0, '127.0.0.1')}`;
  });
  afterAll(() => realtime.close());

  it('log one line with the code, and no stack trace, for a POST to a page without a form', async () => {
    const lines: string[] = [];
    const capture = (...args: unknown[]) => void lines.push(args.map((a) => (a instanceof Error ? a.stack : String(a))).join(' '));
    const warn = vi.spyOn(console, 'warn').mockImplementation(capture);
    const error = vi.spyOn(console, 'error').mockImplementation(capture);
    const log = vi.spyOn(console, 'log').mockImplementation(capture);
    try {
      const res = await fetch(`${url}/posts/finale-watch-along`, {
        method: 'POST',
        // JSON, not a form: SvelteKit's cross-site form check would answer first.
        headers: { 'content-type': 'application/json' },
        body: '{"a":1}',
      });
      const text = await res.text();
      expect(res.status, text).toBe(405);
    } finally {
      warn.mockRestore();
      error.mockRestore();
      log.mockRestore();
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^page request refused: POST \/posts\/finale-watch-along → 405 INVALID: /);
    expect(lines[0]).not.toMatch(/\n\s+at /);
  });
});
