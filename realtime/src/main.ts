/**
 * Entry point: read config, build the service, listen, wait for Redis, drain
 * on SIGTERM. With WEB_HANDLER set it also serves the board's pages from the
 * same port. Logs are JSON lines on stdout (logging/log.ts).
 *
 * The port opens at once, so /readyz can answer 503 while Redis is still
 * coming up; "Board running on …" is logged once the node is ready.
 */
import { ConfigError, parseConfig, type Config } from './config.js';
import { createRealtime, DrainTimeout } from './create-realtime.js';
import { loadWebHandler } from './http/web-handler.js';
import { createLog, type Log } from './logging/log.js';
import { seedDemoData } from './seed/demo-data.js';
import { seedBigPost } from './seed/big-post.js';
import { redactRedisUrl, waitForRedis } from './store/wait-for-redis.js';
import { describeTarget } from './store/redis/connect.js';

/** One "waiting for Redis" line per this many ms at start-up. */
const REDIS_WAIT_REPORT_MS = 3_000;

async function main(config: Config, rootLog: Log) {
  if (config.WEB_HANDLER) {
    // SvelteKit's server-side loads read from this same process over HTTP.
    process.env.REALTIME_INTERNAL_URL ??= `http://127.0.0.1:${config.PORT}`;
  }
  const webHandler = config.WEB_HANDLER ? await loadWebHandler(config.WEB_HANDLER, rootLog) : undefined;

  const realtime = createRealtime(config, { webHandler, log: rootLog });
  const { log } = realtime;
  // Watched from the start, so that the first failed try is counted.
  const redisWait =
    realtime.redis && describeTarget(config)
      ? waitForRedis(realtime.redis, {
          url: describeTarget(config)!,
          deadlineMs: config.REDIS_WAIT_S * 1_000,
          reportEveryMs: REDIS_WAIT_REPORT_MS,
          report: (line) => log.warn(line),
        })
      : null;

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    log.info(`${signal}: draining within ${config.DRAIN_DEADLINE_MS} ms, then closing.`);
    realtime.close().then(
      () => {
        log.info('Closed.');
        process.exit(0);
      },
      (err: unknown) => {
        if (err instanceof DrainTimeout) log.error(`${err.message}; exiting anyway.`);
        else log.error('Shutdown failed', err);
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
      log.error(
        `Gave up waiting for Redis at ${redactRedisUrl(describeTarget(config)!)} after ${config.REDIS_WAIT_S} s ` +
          `(${waited.reason}, ${waited.tries} tries). Start Redis or fix REDIS_URL; REDIS_WAIT_S sets the wait.`,
      );
      process.exit(1);
    }
  }

  if (config.SEED_DEMO ?? realtime.store.engine === 'memory') {
    const seeded = await seedDemoData(realtime.store);
    if (seeded > 0) log.info(`Wrote ${seeded} demo posts.`);
  }
  if (config.SEED_BIG_POST > 0) {
    const written = await seedBigPost(realtime.store, { comments: config.SEED_BIG_POST });
    if (written > 0) log.info(`Wrote a big post with ${written} comments.`);
  }
  const shown = config.HOST === '0.0.0.0' || config.HOST === '127.0.0.1' ? 'localhost' : config.HOST;
  const url = `http://${shown}:${port}`;
  log.info(`Board ${webHandler ? 'running' : 'realtime service'} on ${url} (engine: ${realtime.store.engine}, node: ${realtime.nodeId})`, {
    url,
    engine: realtime.store.engine,
    metrics: config.METRICS_TOKEN !== undefined,
  });
  // A person at a terminal gets the address in plain words too; stdout stays JSON lines for collectors.
  if (process.stderr.isTTY) process.stderr.write(`\n  Open ${url} in your browser.\n\n`);
}

let config: Config;
try {
  config = parseConfig(process.env);
} catch (err) {
  // A bad environment is the operator's to fix: its message says what, a stack would only hide it.
  createLog('info').error(err instanceof ConfigError ? err.message : 'Invalid configuration', err instanceof ConfigError ? undefined : err);
  process.exit(1);
}
const rootLog = createLog(config.LOG_LEVEL);
main(config, rootLog).catch((err: unknown) => {
  // A system error (a port in use, a folder not readable) is named by its message.
  if (err instanceof Error && 'code' in err) rootLog.error(`Failed to start: ${err.message}`);
  else rootLog.error('Failed to start', err);
  process.exit(1);
});
