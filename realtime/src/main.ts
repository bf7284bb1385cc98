/**
 * Entry point: read config, build the service, listen, wait for Redis, shut
 * down on SIGTERM. With WEB_HANDLER set it also serves the board's pages from
 * the same port.
 *
 * The port opens at once, so /healthz can answer 503 while Redis is still
 * coming up; "Board running on …" is printed once the node is ready.
 */
import { ConfigError, parseConfig } from './config.js';
import { createRealtime } from './create-realtime.js';
import { loadWebHandler } from './http/web-handler.js';
import { seedDemoData } from './seed/demo-data.js';
import { seedBigPost } from './seed/big-post.js';
import { consoleLog } from './socket/handle.js';
import { redactRedisUrl, waitForRedis } from './store/wait-for-redis.js';

/** One "waiting for Redis" line per this many ms at start-up. */
const REDIS_WAIT_REPORT_MS = 3_000;

async function main() {
  const config = parseConfig(process.env);

  if (config.WEB_HANDLER) {
    // SvelteKit's server-side loads read from this same process over HTTP.
    process.env.REALTIME_INTERNAL_URL ??= `http://127.0.0.1:${config.PORT}`;
  }
  const webHandler = config.WEB_HANDLER ? await loadWebHandler(config.WEB_HANDLER, consoleLog) : undefined;

  const realtime = createRealtime(config, { webHandler });
  // Watched from the start, so that the first failed try is counted.
  const redisWait =
    realtime.redis && config.REDIS_URL
      ? waitForRedis(realtime.redis, {
          url: config.REDIS_URL,
          deadlineMs: config.REDIS_WAIT_S * 1_000,
          reportEveryMs: REDIS_WAIT_REPORT_MS,
          report: (line) => console.log(line),
        })
      : null;

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`${signal}: finishing in-flight work and closing.`);
    realtime.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('Shutdown failed', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  const port = await realtime.listen();

  if (redisWait) {
    const waited = await redisWait;
    if (closing) return;
    if (!waited.ready) {
      console.error(
        `Gave up waiting for Redis at ${redactRedisUrl(config.REDIS_URL!)} after ${config.REDIS_WAIT_S} s ` +
          `(${waited.reason}, ${waited.tries} tries). Start Redis or fix REDIS_URL; REDIS_WAIT_S sets the wait.`,
      );
      process.exit(1);
    }
  }

  if (config.SEED_DEMO ?? realtime.store.engine === 'memory') {
    const seeded = await seedDemoData(realtime.store);
    if (seeded > 0) console.log(`Wrote ${seeded} demo posts.`);
  }
  if (config.SEED_BIG_POST > 0) {
    const written = await seedBigPost(realtime.store, { comments: config.SEED_BIG_POST });
    if (written > 0) console.log(`Wrote a big post with ${written} comments.`);
  }
  const shown = config.HOST === '0.0.0.0' || config.HOST === '127.0.0.1' ? 'localhost' : config.HOST;
  console.log(
    `Board ${webHandler ? 'running' : 'realtime service'} on http://${shown}:${port} ` +
      `(engine: ${realtime.store.engine}, node: ${realtime.nodeId})`,
  );
}

main().catch((err: unknown) => {
  // A bad environment is the operator's to fix: its message says what, a stack would only hide it.
  if (err instanceof ConfigError) console.error(err.message);
  // A system error (a port in use, a folder not readable) is named by its message.
  else if (err instanceof Error && 'code' in err) console.error(`Failed to start: ${err.message}`);
  else console.error('Failed to start', err);
  process.exit(1);
});
