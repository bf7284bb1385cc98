/**
 * /metrics for Prometheus: refused without the bearer token, and the counters
 * move with what people do. Two boards run in this one process, each with its
 * own registry: what one counts, the other does not.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeAll, connect, join, postComment, unwrap, type Client } from '../support/clients.js';
import { startBoard, type Board } from '../support/board.js';
import { scrape, valueOf } from '../support/prometheus.js';

const TOKEN = 'metrics-token-for-tests-0123456789';
const opsDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../docs/ops');

describe('/metrics', () => {
  let board: Board;
  let other: Board;
  beforeAll(async () => {
    board = await startBoard({ engine: 'redis', redisUrl: inject('redisUrl'), nodeId: 'm1', env: { METRICS_TOKEN: TOKEN } });
    // Limits on, as in production: the seventh comment in ten seconds is refused.
    other = await startBoard({ engine: 'memory', nodeId: 'm2', env: { METRICS_TOKEN: TOKEN, RATE_LIMIT_FACTOR: '1' } });
    await board.store.createPost({ id: 'metered', title: 'Metered' });
    await other.store.createPost({ id: 'limited', title: 'Limited' });
  });
  afterAll(async () => {
    closeAll();
    await Promise.all([board.close(), other.close()]);
  });

  it('refuses a scrape without the token, or with a wrong one', async () => {
    const none = await fetch(`${board.url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await none.text()).not.toContain('board_');
    const wrong = await fetch(`${board.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(401);
  });

  it('is off (404) on a node without METRICS_TOKEN', async () => {
    const plain = await startBoard({ engine: 'memory' });
    try {
      const res = await fetch(`${plain.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(404);
    } finally {
      await plain.close();
    }
  });

  it('counts a comment, a refused comment and a reaction, with latencies, on this node only', async () => {
    const ana = await connect(board.url, { name: 'Ana' });
    const ben = await connect(board.url, { name: 'Ben' });
    await join(ana, 'metered');
    await join(ben, 'metered');

    const comment = await postComment(ana, 'metered', 'counted once');
    const empty = await ana.emitWithAck('comment:create', { postId: 'metered', body: '   ', parentId: null, clientId: 'cid-empty' });
    expect(empty.ok).toBe(false);
    unwrap(await ben.emitWithAck('reaction:set', { postId: 'metered', commentId: comment.id, kind: 'like', active: true }));

    const m = await scrape(board.url, TOKEN);
    const node = { node: 'm1' };
    expect(valueOf(m, 'board_socket_requests_total', { ...node, event: 'comment:create', result: 'ok' })).toBe(1);
    expect(valueOf(m, 'board_socket_requests_total', { event: 'comment:create', result: 'INVALID' })).toBe(1);
    expect(valueOf(m, 'board_socket_ack_seconds_count', { event: 'comment:create' })).toBe(2);
    expect(valueOf(m, 'board_socket_ack_seconds_bucket', { event: 'comment:create', le: '+Inf' })).toBe(2);
    expect(valueOf(m, 'board_reaction_presses_total')).toBe(1);
    expect(valueOf(m, 'board_reaction_flushes_total', { result: 'stored' })).toBe(1);
    expect(valueOf(m, 'board_reaction_flush_size_sum')).toBe(1);
    expect(valueOf(m, 'board_reaction_flush_seconds_count')).toBe(1);
    expect(valueOf(m, 'board_broadcast_frames_total', { event: 'post:events' })).toBe(1);
    expect(valueOf(m, 'board_broadcast_frames_total', { event: 'post:totals' })).toBe(1);
    // The comment's frame reached two sockets, and so did the totals.
    expect(valueOf(m, 'board_ws_sent_packets_total')).toBeGreaterThanOrEqual(4);
    expect(valueOf(m, 'board_ws_sent_bytes_total')).toBeGreaterThan(valueOf(m, 'board_ws_sent_packets_total'));
    // Every store call is timed, by engine and method: here Redis.
    expect(valueOf(m, 'board_store_call_seconds_count', { engine: 'redis', method: 'addComment' })).toBe(1);
    expect(valueOf(m, 'board_store_call_seconds_count', { engine: 'redis', method: 'applyReactions' })).toBe(1);
    expect(valueOf(m, 'board_sockets_connected')).toBe(2);
    expect(valueOf(m, 'board_viewers_joined')).toBe(2);
    expect(valueOf(m, 'board_posts_with_viewers')).toBe(1);
    expect(valueOf(m, 'board_draining')).toBe(0);
    // Node.js process metrics come along.
    expect(m.some((s) => s.name === 'nodejs_eventloop_lag_seconds')).toBe(true);
    expect(m.some((s) => s.name === 'nodejs_heap_size_used_bytes')).toBe(true);
    // No post id is ever a label.
    expect(m.some((s) => Object.values(s.labels).some((v) => v.includes('metered')))).toBe(false);

    // The other board in this process counted none of it.
    const theirs = await scrape(other.url, TOKEN);
    expect(valueOf(theirs, 'board_socket_requests_total')).toBe(0);
    expect(valueOf(theirs, 'board_reaction_presses_total')).toBe(0);
  });

  it('counts replay and snapshot resyncs', async () => {
    // More than one comment's totals changed since a client's version: it gets a snapshot.
    const small = await startBoard({ engine: 'memory', env: { METRICS_TOKEN: TOKEN, RESYNC_TOTALS_MAX: '1' } });
    try {
      await small.store.createPost({ id: 'gaps', title: 'Gaps' });
      const ana = await connect(small.url, { name: 'Ana' });
      const first = await join(ana, 'gaps');
      expect(first.mode).toBe('snapshot');
      const one = await postComment(ana, 'gaps', 'one');
      const two = await postComment(ana, 'gaps', 'two');
      for (const c of [one, two]) unwrap(await ana.emitWithAck('reaction:set', { postId: 'gaps', commentId: c.id, kind: 'wow', active: true }));
      const latest = await join(ana, 'gaps');

      expect((await join(ana, 'gaps', first.seq, latest.totalsVersion)).mode).toBe('replay');
      expect((await join(ana, 'gaps', first.seq, first.totalsVersion)).mode).toBe('snapshot');

      const m = await scrape(small.url, TOKEN);
      expect(valueOf(m, 'board_resyncs_total', { mode: 'replay' })).toBe(1);
      // The first joins asked for no gap: they are not resyncs.
      expect(valueOf(m, 'board_resyncs_total', { mode: 'snapshot' })).toBe(1);
      expect(valueOf(m, 'board_socket_requests_total', { event: 'post:join', result: 'ok' })).toBe(4);
    } finally {
      await small.close();
    }
  });

  it('counts rate-limit refusals by rule', async () => {
    const cy: Client = await connect(other.url, { name: 'Cy' });
    await join(cy, 'limited');
    let refused = 0;
    for (let i = 0; i < 7; i++) {
      const res = await cy.emitWithAck('comment:create', { postId: 'limited', body: `quick ${i}`, parentId: null, clientId: `cid-quick-${i}` });
      if (!res.ok && res.error.code === 'RATE_LIMITED') refused++;
    }
    expect(refused).toBe(1);
    const m = await scrape(other.url, TOKEN);
    expect(valueOf(m, 'board_rate_limited_total', { rule: 'comment:user' })).toBe(1);
    expect(valueOf(m, 'board_socket_requests_total', { event: 'comment:create', result: 'RATE_LIMITED' })).toBe(1);
    expect(valueOf(m, 'board_socket_requests_total', { event: 'comment:create', result: 'ok' })).toBe(6);
    expect(valueOf(m, 'board_store_call_seconds_count', { engine: 'memory', method: 'addComment' })).toBe(6);
  });

  it('serves every metric the Grafana dashboard and the alert rules use', async () => {
    // Declared (# TYPE), with or without a series yet: a labelled counter has none before its first count.
    const res = await fetch(`${board.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const served = new Set([...(await res.text()).matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
    for (const file of ['grafana-dashboard.json', 'alerts.yml']) {
      const text = readFileSync(resolve(opsDir, file), 'utf8');
      const used = new Set([...text.matchAll(/\b((?:board|nodejs|process)_[a-z0-9_]+)/g)].map((m) => m[1]!.replace(/_(bucket|sum|count)$/, '')));
      expect(used.size).toBeGreaterThan(5);
      expect([...used].filter((name) => !served.has(name)), file).toEqual([]);
    }
  });
});
