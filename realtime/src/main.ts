/**
 * Entry point: read config, build the service, listen, shut down on SIGTERM.
 * With WEB_HANDLER set it also serves the board's pages from the same port.
 */
import { pathToFileURL } from 'node:url';
import type { RequestHandler } from 'express';
import { ConfigError, parseConfig } from './config.js';
import { createRealtime } from './create-realtime.js';
import { seedDemoData } from './seed/demo-data.js';

async function main() {
  const config = parseConfig(process.env);

  let webHandler: RequestHandler | undefined;
  if (config.WEB_HANDLER) {
    // SvelteKit's server-side loads read from this same process over HTTP.
    process.env.REALTIME_INTERNAL_URL ??= `http://127.0.0.1:${config.PORT}`;
    ({ handler: webHandler } = (await import(pathToFileURL(config.WEB_HANDLER).href)) as { handler: RequestHandler });
  }

  const realtime = createRealtime(config, { webHandler });
  if (config.SEED_DEMO) {
    const seeded = await seedDemoData(realtime.store);
    if (seeded > 0) console.log(`Wrote ${seeded} demo posts.`);
  }
  const port = await realtime.listen();
  const shown = config.HOST === '0.0.0.0' || config.HOST === '127.0.0.1' ? 'localhost' : config.HOST;
  console.log(
    `Board ${webHandler ? 'running' : 'realtime service'} on http://${shown}:${port} ` +
      `(engine: ${realtime.store.engine}, node: ${realtime.nodeId})`,
  );

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
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error('Failed to start', err);
  process.exit(1);
});
