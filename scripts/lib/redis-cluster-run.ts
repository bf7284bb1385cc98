/**
 * Starts a private Redis Cluster, prints its seeds ("host:port,...") as one line
 * and keeps it until SIGTERM/SIGINT (scripts/test.sh exports them as TEST_REDIS_CLUSTER_NODES).
 */
import { startRedisCluster } from './redis-cluster.js';

const cluster = await startRedisCluster();
process.stdout.write(`${cluster.nodes}\n`);
const stop = () => void cluster.dispose().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
