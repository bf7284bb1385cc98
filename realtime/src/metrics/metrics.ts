/**
 * Prometheus metrics, one registry per service instance (two nodes in one
 * test process keep apart). Call sites use one line each: `metrics.x.inc()`.
 * Names follow Prometheus conventions: `board_` prefix, `_total` counters,
 * base units (`_seconds`, `_bytes`), and only bounded labels (event names,
 * error codes, rule names, store methods; never a post or user id).
 * docs/ops/ has the dashboard and the runbook built on these names.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { rooms, type Result } from '@board/shared';
import type { BoardServer } from '../socket/types.js';

/** Latency buckets (s) for acks and store calls: 1 ms … 10 s. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Reaction settings per flush: one click … REACTION_MAX_BATCH's default. */
const BATCH_BUCKETS = [1, 5, 10, 50, 100, 500, 1_000, 5_000, 20_000];

export interface Metrics {
  readonly registry: Registry;
  /** Whether /metrics is served; when not, the counters still count but nothing costly is watched. */
  readonly enabled: boolean;
  /** Counts a socket request's answer (`ok` or its ErrorCode) and its ack latency. */
  answered(event: string, res: Result<unknown>, startedMs: number): void;
  readonly requests: Counter<'event' | 'result'>;
  readonly ackSeconds: Histogram<'event'>;
  readonly reactionPresses: Counter;
  readonly reactionFlushes: Counter<'result'>;
  readonly reactionFlushSize: Histogram;
  readonly reactionFlushSeconds: Histogram;
  /** Room broadcasts this node sent, by server event; each is encoded once for every socket in the room. */
  readonly broadcastFrames: Counter<'event'>;
  readonly sentPackets: Counter;
  readonly sentBytes: Counter;
  /** Joins that asked for what was missed (`sinceSeq`): answered by replay or by snapshot. */
  readonly resyncs: Counter<'mode'>;
  readonly storeSeconds: Histogram<'engine' | 'method'>;
  readonly storeErrors: Counter<'engine' | 'method'>;
  readonly redisReconnects: Counter<'connection'>;
  /** Cross-node messages this node's adapter subscriber received (fanout/redis-fanout.ts), by adapter kind. */
  readonly adapterMessages: Counter<'adapter'>;
  readonly rateLimited: Counter<'rule'>;
}

export interface MetricsOptions {
  /** /metrics is served: also collect Node.js process metrics (event-loop lag, GC, heap; they keep timers and observers) and wire bytes. */
  enabled: boolean;
  /** Added to every series (node id), so a Prometheus scraping several nodes behind one name can tell them apart. */
  labels?: Record<string, string>;
}

export function createMetrics(opts: MetricsOptions): Metrics {
  const registry = new Registry();
  if (opts.labels) registry.setDefaultLabels(opts.labels);
  if (opts.enabled) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const requests = new Counter({
    name: 'board_socket_requests_total',
    help: 'Socket requests answered, by event and result (ok or the error code); reaction clicks are counted by board_reaction_presses_total',
    labelNames: ['event', 'result'] as const,
    registers,
  });
  const ackSeconds = new Histogram({
    name: 'board_socket_ack_seconds',
    help: 'Time from a request arriving to its answer (for comment:create: validated, stored, acked)',
    labelNames: ['event'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });

  return {
    registry,
    enabled: opts.enabled,
    requests,
    ackSeconds,
    answered(event, res, startedMs) {
      requests.inc({ event, result: res.ok ? 'ok' : res.error.code });
      ackSeconds.observe({ event }, (performance.now() - startedMs) / 1_000);
    },
    reactionPresses: new Counter({
      name: 'board_reaction_presses_total',
      help: 'Reaction clicks that reached the pipeline (after validation and limits)',
      registers,
    }),
    reactionFlushes: new Counter({
      name: 'board_reaction_flushes_total',
      help: 'Reaction flushes (one store write per post per window), by result',
      labelNames: ['result'] as const,
      registers,
    }),
    reactionFlushSize: new Histogram({
      name: 'board_reaction_flush_size',
      help: 'Reaction settings stored per flush',
      buckets: BATCH_BUCKETS,
      registers,
    }),
    reactionFlushSeconds: new Histogram({
      name: 'board_reaction_flush_seconds',
      help: 'Time to store one reaction flush, broadcast its totals and answer its clicks',
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    broadcastFrames: new Counter({
      name: 'board_broadcast_frames_total',
      help: 'Room broadcasts sent by this node, by server event',
      labelNames: ['event'] as const,
      registers,
    }),
    sentPackets: new Counter({
      name: 'board_ws_sent_packets_total',
      help: 'Engine.IO message packets written to sockets (one per socket per broadcast)',
      registers,
    }),
    sentBytes: new Counter({
      name: 'board_ws_sent_bytes_total',
      help: 'Bytes of Engine.IO message packets written to sockets (before WebSocket framing)',
      registers,
    }),
    resyncs: new Counter({
      name: 'board_resyncs_total',
      help: 'Joins after a gap (sinceSeq given), by answer: replay of the gap or a full snapshot',
      labelNames: ['mode'] as const,
      registers,
    }),
    storeSeconds: new Histogram({
      name: 'board_store_call_seconds',
      help: 'Store calls (on Redis: a command, pipeline or Lua script), by engine and method',
      labelNames: ['engine', 'method'] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    storeErrors: new Counter({
      name: 'board_store_call_errors_total',
      help: 'Store calls that failed, by engine and method',
      labelNames: ['engine', 'method'] as const,
      registers,
    }),
    redisReconnects: new Counter({
      name: 'board_redis_reconnects_total',
      help: 'Reconnect attempts of this node\'s Redis connections, by connection',
      labelNames: ['connection'] as const,
      registers,
    }),
    adapterMessages: new Counter({
      name: 'board_adapter_messages_received_total',
      help: 'Cross-node messages received from Redis by this node\'s Socket.IO adapter, by adapter (classic or sharded)',
      labelNames: ['adapter'] as const,
      registers,
    }),
    rateLimited: new Counter({
      name: 'board_rate_limited_total',
      help: 'Actions refused by a rate limit or a per-address budget, by rule',
      labelNames: ['rule'] as const,
      registers,
    }),
  };
}

/**
 * Gauges read when Prometheus scrapes: sockets connected to this node, people
 * in post rooms, posts with at least one viewer here, and whether it drains.
 */
export function watchServer(metrics: Metrics, io: BoardServer, draining: () => boolean): void {
  const registers = [metrics.registry];
  const postRooms = () => {
    let joined = 0;
    let posts = 0;
    for (const [room, members] of io.of('/').adapter.rooms) {
      if (!room.startsWith(rooms.post(''))) continue;
      posts += 1;
      joined += members.size;
    }
    return { joined, posts };
  };
  new Gauge({
    name: 'board_sockets_connected',
    help: 'Socket.IO connections open on this node',
    registers,
    collect() {
      this.set(io.of('/').sockets.size);
    },
  });
  new Gauge({
    name: 'board_viewers_joined',
    help: 'Post joins on this node (a socket per post it watches)',
    registers,
    collect() {
      this.set(postRooms().joined);
    },
  });
  new Gauge({
    name: 'board_posts_with_viewers',
    help: 'Posts with at least one viewer on this node',
    registers,
    collect() {
      this.set(postRooms().posts);
    },
  });
  new Gauge({
    name: 'board_draining',
    help: '1 while this node drains (SIGTERM): /readyz answers 503',
    registers,
    collect() {
      this.set(draining() ? 1 : 0);
    },
  });
  // Wire bytes, through the documented per-connection 'packetCreate' event of socket.conn
  // (Socket.IO server API). A listener call per packet per socket: only when /metrics is served.
  if (!metrics.enabled) return;
  io.on('connection', (socket) => {
    socket.conn.on('packetCreate', (packet: { type: string; data?: unknown }) => {
      if (packet.type !== 'message') return;
      metrics.sentPackets.inc();
      const { data } = packet;
      if (typeof data === 'string') metrics.sentBytes.inc(Buffer.byteLength(data));
      else if (data instanceof Uint8Array) metrics.sentBytes.inc(data.byteLength);
    });
  });
}
