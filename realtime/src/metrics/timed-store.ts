/**
 * Times every store call (board_store_call_seconds, by engine and method). On
 * Redis a store call is one command, pipeline or Lua script, so this is the
 * Redis latency a request feels, measured without MONITOR or ioredis internals.
 */
import type { Store } from '../store/types.js';
import type { Metrics } from './metrics.js';

export function timedStore(store: Store, metrics: Metrics): Store {
  const timed: Record<string, unknown> = { engine: store.engine };
  for (const [name, value] of Object.entries(store)) {
    if (typeof value !== 'function') {
      timed[name] = value;
      continue;
    }
    const method = value as (...args: unknown[]) => Promise<unknown>;
    const labels = { engine: store.engine, method: name };
    const histogram = metrics.storeSeconds.labels(labels);
    const errors = metrics.storeErrors.labels(labels);
    timed[name] = (...args: unknown[]) => {
      const end = histogram.startTimer();
      return method.apply(store, args).then(
        (result) => {
          end();
          return result;
        },
        (err: unknown) => {
          end();
          errors.inc();
          throw err;
        },
      );
    };
  }
  return timed as unknown as Store;
}
