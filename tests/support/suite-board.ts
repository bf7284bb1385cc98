/**
 * A board per describe block for vitest suites (kept apart from board.ts, which
 * the Playwright tests import too and which must not pull in vitest).
 */
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import { closeAll } from './clients.js';
import { startBoard, type Board, type Engine } from './board.js';

/**
 * One board for a describe block, on `engine`, with these posts created (each
 * titled after its id): started before the block's tests, closed after them;
 * clients a test connected are closed after each test. The returned object is
 * filled in when the board has started.
 */
export function boardForSuite(engine: Engine, postIds: string[] = ['p'], env?: Record<string, string>): Board {
  const board = {} as Board;
  beforeAll(async () => {
    Object.assign(board, await startBoard({ engine, redisUrl: inject('redisUrl'), env }));
    for (const id of postIds) {
      await board.store.createPost({ id, title: id[0]!.toUpperCase() + id.slice(1), description: '', body: '' });
    }
  });
  afterEach(closeAll);
  afterAll(() => board.close());
  return board;
}
