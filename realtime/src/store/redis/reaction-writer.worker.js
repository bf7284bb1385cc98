/**
 * The reaction writer's thread (reaction-writer.ts): it owns one Redis
 * connection, runs each batch's script on it in the order the batches come, and
 * posts every reply back on `port` the moment it arrives, then bumps the shared
 * counter `replies[0]`, so the main thread can take the reply from the click path
 * instead of waiting for its event loop to reach the message.
 *
 * Plain JavaScript on purpose: a worker is started by Node itself, outside tsx
 * and vitest, and this file must load the same under both.
 *
 * Messages in:  { id, key: string, argv: (string | number)[] } | { close: true }
 * Messages out: { id, out: unknown[] } | { id, error: { name, message } }
 */
import { workerData } from 'node:worker_threads';
import { Redis } from 'ioredis';

const { connection, lua, command, replies, port } = workerData;
// No auto-pipelining: each batch leaves the moment it comes (redis-store.ts, APPLY_REACTIONS_COMMAND).
const redis = new Redis({ ...connection, maxRetriesPerRequest: 2, enableAutoPipelining: false, lazyConnect: false });
// The main thread's own connection reports outages; this one only fails its batches (their error goes back).
redis.on('error', () => undefined);
redis.defineCommand(command, { lua, numberOfKeys: 1 });
// Loaded before the first batch, so that batch's EVALSHA finds the script instead of failing
// over to a second round trip with the whole script. A failure here only costs that round trip.
redis.script('LOAD', lua).catch(() => undefined);

const answer = (message) => {
  port.postMessage(message);
  Atomics.add(replies, 0, 1);
};

port.on('message', (msg) => {
  if (msg.close) {
    void redis
      .quit()
      .catch(() => undefined)
      .finally(() => port.close());
    return;
  }
  // An array argument is flattened by ioredis; spreading 10,000 values into the call is not needed.
  redis[command](msg.key, msg.argv).then(
    (out) => answer({ id: msg.id, out }),
    (err) => answer({ id: msg.id, error: { name: err?.name ?? 'Error', message: String(err?.message ?? err) } }),
  );
});
