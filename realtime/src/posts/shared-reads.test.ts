import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../store/memory.js';
import type { Store } from '../store/types.js';
import { createSharedReads } from './shared-reads.js';

/** A memory store whose reads are counted, per method. */
function counted(): { store: Store; calls: Map<string, number> } {
  const inner = createMemoryStore();
  const calls = new Map<string, number>();
  const store = new Proxy(inner, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(String(name), (calls.get(String(name)) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, calls };
}

async function withPost(store: Store) {
  await store.createPost({ id: 'p1', title: 'Premiere', description: '', body: '', scheduledAt: null, clock: null } as Parameters<Store['createPost']>[0]);
  const c = await store.addComment({ postId: 'p1', parentId: null, author: { id: 'u1', name: 'Ada' }, body: 'first' } as Parameters<Store['addComment']>[0]);
  return c;
}

describe('shared reads', () => {
  it('answers identical reads asked in one turn with one store call, and different ones apart', async () => {
    const { store, calls } = counted();
    await withPost(store);
    calls.clear();
    const shared = createSharedReads(store);
    const [a, b, c, d] = await Promise.all([
      shared.eventsSince('p1', 0),
      shared.eventsSince('p1', 0),
      shared.eventsSince('p1', 0),
      shared.eventsSince('p1', 1),
    ]);
    expect(calls.get('eventsSince')).toBe(2);
    expect(a).toBe(b);
    expect(b).toBe(c);
    expect(a).toHaveLength(1);
    expect(d).toEqual([]);
    const posts = await Promise.all([shared.getPost('p1'), shared.getPost('p1'), shared.getPost('nope')]);
    expect(calls.get('getPost')).toBe(2);
    expect(posts[0]?.title).toBe('Premiere');
    expect(posts[2]).toBeNull();
  });

  it('never lets a request join a read that has already started: it may be behind the request', async () => {
    const { store, calls } = counted();
    await withPost(store);
    calls.clear();
    const shared = createSharedReads(store);
    const first = shared.eventsSince('p1', 0);
    // Wait until the first read has gone to the store, then store a comment and ask again.
    await expect.poll(() => calls.get('eventsSince') ?? 0).toBe(1);
    await store.addComment({ postId: 'p1', parentId: null, author: { id: 'u2', name: 'Bo' }, body: 'second' } as Parameters<Store['addComment']>[0]);
    const second = await shared.eventsSince('p1', 0);
    expect(calls.get('eventsSince')).toBe(2);
    expect((await first)?.length).toBeGreaterThanOrEqual(1);
    expect(second).toHaveLength(2);
  });

  it('hands a failed read to everyone who shared it, and reads again when asked later', async () => {
    const { store } = counted();
    let reads = 0;
    const failing = () => {
      reads++;
      return Promise.reject(new Error('storage down'));
    };
    const shared = createSharedReads({ ...store, readPage: failing });
    const q = { sort: 'new' as const, threads: 30, replies: 3 };
    const both = await Promise.allSettled([shared.readPage('p1', q), shared.readPage('p1', q)]);
    expect(both.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(reads).toBe(1);
    await expect(shared.readPage('p1', q)).rejects.toThrow('storage down');
    expect(reads).toBe(2);
  });
});
