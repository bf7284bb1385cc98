/**
 * Starts a private Redis Cluster, prints its seeds ("host:port,...") as one line
 * and keeps it until SIGTERM/SIGINT or until the process that started it is gone
 * (scripts/test.sh exports the seeds as TEST_REDIS_CLUSTER_NODES).
 */
import { startRedisCluster } from './redis-cluster.js';

/** How often to check that the starting process is still there (ms). */
const PARENT_CHECK_MS = 1_000;

const parent = process.ppid;
const cluster = await startRedisCluster();
process.stdout.write(`${cluster.nodes}\n`);
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void cluster.dispose().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// A shell killed without running its trap leaves no cluster behind: this process is re-parented then.
setInterval(() => {
  if (process.ppid !== parent) stop();
}, PARENT_CHECK_MS);
