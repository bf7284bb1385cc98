/**
 * Cross-node fan-out through Redis (docs/decisions/0024-redis-cluster.md): the
 * Socket.IO adapter and its two connections, apart from the data connection.
 *
 * - classic (`createAdapter`): PUBLISH, and every node pattern-subscribes to all
 *   rooms, so every node receives every message of every post.
 * - sharded (`createShardedAdapter`, Redis ≥ 7): SPUBLISH to a channel per room
 *   ('dynamic' subscription mode), and a node SSUBSCRIBEs to a room's channel while
 *   it has a socket in that room: it receives only the messages of posts its
 *   viewers joined. On a cluster each channel lives on the master of its slot.
 */
import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import { isCluster, type RedisClient } from '../store/redis/connect.js';
import type { Log } from '../logging/log.js';
import type { Metrics } from '../metrics/metrics.js';

export type AdapterKind = 'classic' | 'sharded';

export interface RedisFanout {
  kind: AdapterKind;
  /** For io.adapter(). */
  adapter: ReturnType<typeof createAdapter> | ReturnType<typeof createShardedAdapter>;
  /** Publisher and subscriber, for watching, and for closing after io.close(). */
  pub: RedisClient;
  sub: RedisClient;
}

/** 'auto' is sharded on a cluster (classic PUBLISH there is copied to every master) and classic on a single Redis. */
export function adapterKind(setting: 'auto' | AdapterKind, client: RedisClient): AdapterKind {
  if (setting !== 'auto') return setting;
  return isCluster(client) ? 'sharded' : 'classic';
}

/**
 * The adapter fires PUBLISH / SPUBLISH without handling its promise, so a broadcast
 * while Redis is away would surface as an unhandled rejection. Catch it here:
 * the event is already stored, and viewers heal the gap by sequence number.
 */
function guardPublish(client: RedisClient, method: 'publish' | 'spublish', log: Log): void {
  const target = client as unknown as Record<typeof method, (...args: unknown[]) => Promise<number>>;
  const original = target[method].bind(client);
  target[method] = (...args) =>
    original(...args).catch((err: unknown) => {
      log.error('Cross-node broadcast failed (Redis unreachable); viewers resync by sequence number', (err as Error).message);
      return 0;
    });
}

export function createRedisFanout(
  data: RedisClient,
  opts: { setting: 'auto' | AdapterKind; prefix: string; log: Log; metrics: Metrics },
): RedisFanout {
  const kind = adapterKind(opts.setting, data);
  // The adapter subscribes without handling the promise: with a retry limit, a
  // SUBSCRIBE sent while Redis is still down would reject unhandled and end the
  // process. Without one it waits for the connection (and ioredis resubscribes
  // after every reconnect).
  let pub: RedisClient;
  let sub: RedisClient;
  if (isCluster(data)) {
    pub = data.duplicate();
    // shardedSubscribers: one subscriber connection per master, each SSUBSCRIBE sent to its channel's master.
    sub = data.duplicate([], { redisOptions: { maxRetriesPerRequest: null }, shardedSubscribers: kind === 'sharded' });
  } else {
    pub = data.duplicate();
    sub = data.duplicate({ maxRetriesPerRequest: null });
  }
  guardPublish(pub, kind === 'sharded' ? 'spublish' : 'publish', opts.log);
  // Messages received, for board_adapter_messages_received_total (the bench compares the two kinds by it).
  const received = () => opts.metrics.adapterMessages.inc({ adapter: kind });
  for (const event of kind === 'sharded' ? ['smessageBuffer'] : ['messageBuffer', 'pmessageBuffer']) sub.on(event, received);
  const channels = `${opts.prefix}socket.io`;
  const adapter: RedisFanout['adapter'] =
    kind === 'sharded'
      ? createShardedAdapter(pub, sub, { channelPrefix: channels, subscriptionMode: 'dynamic' })
      : createAdapter(pub, sub, { key: channels });
  return { kind, adapter, pub, sub };
}
