/**
 * A board per describe block for vitest suites (kept apart from board.ts, which
 * the Playwright tests import too and which must not pull in vitest).
 */
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import { closeAll } from './clients.js';
import { startBoard, uniquePrefix, type Board, type Engine } from './board.js';

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

/**
 * Two nodes on one Redis under a fresh prefix, for a describe block: started
 * before its tests, closed after them; clients are closed after each test.
 * The returned boards are filled in when the nodes have started.
 */
export function twoNodesForSuite(name: string): { one: Board; two: Board } {
  const nodes = { one: {} as Board, two: {} as Board };
  beforeAll(async () => {
    const shared = { engine: 'redis' as const, redisUrl: inject('redisUrl'), prefix: uniquePrefix() };
    Object.assign(nodes.one, await startBoard({ ...shared, nodeId: `${name}-one` }));
    Object.assign(nodes.two, await startBoard({ ...shared, nodeId: `${name}-two` }));
  });
  afterEach(closeAll);
  afterAll(async () => {
    await nodes.one.close?.();
    await nodes.two.close?.();
  });
  return nodes;
}
