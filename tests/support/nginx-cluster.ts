/**
 * The board as scripts/cluster.sh runs it, for a test: a private redis-server,
 * board nodes as real processes on free ports, and nginx from Debian in front,
 * with the configuration scripts/lib/nginx-conf.mjs generates (the one the README
 * shows), in a temporary folder. Started and stopped inside the test.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startRedisServer, type RedisServerHandle } from './redis-server.js';
import { startNode, type NodeEnv, type NodeProcess } from './node-process.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const NGINX = existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';

export interface ClusterOptions {
  /** Board nodes behind nginx (2). */
  nodes?: number;
  /** Serve the web app too (web/build, from scripts/build-web.sh). */
  web?: boolean;
  /** More variables for every node. */
  env?: NodeEnv;
}

/**
 * The nodes run compiled, with plain node, as scripts/start.sh runs them (and they
 * start with less CPU than through tsx). `tsc -b` first: it compiles only what
 * changed, so a test never runs an older build of the sources.
 */
function buildService(): void {
  execFileSync('pnpm', ['-s', 'run', 'build:service'], { cwd: root, stdio: 'pipe' });
}

export interface Cluster {
  /** The balancer's origin: what browsers open, and the nodes' ALLOWED_ORIGINS. */
  url: string;
  redis: RedisServerHandle;
  /** The node process now in each slot; a restart replaces it. */
  nodes: NodeProcess[];
  /** The node id of each slot (kept across restarts). */
  ids: string[];
  /** SIGTERM to the node in slot i: it drains; resolves with its exit code. */
  drain(i: number): Promise<number | null>;
  /** Starts slot i again, same port and id; resolves once it is ready. */
  restart(i: number): Promise<NodeProcess>;
  /**
   * Resolves once nginx sends requests to slot i again: after a node went away,
   * nginx leaves it out for fail_timeout (passive health checks), then tries it.
   */
  takesTraffic(i: number, withinMs?: number): Promise<void>;
  /** nginx's access log: a line per request, with the node that answered. */
  accessLog(): string;
  dispose(): Promise<void>;
}

export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  const count = opts.nodes ?? 2;
  buildService();
  const dir = mkdtempSync(join(tmpdir(), 'board-nginx-'));
  const redis = await startRedisServer();
  const listenPort = await freePort();
  const url = `http://127.0.0.1:${listenPort}`;
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const ids = ports.map((_, i) => `node-${i + 1}`);
  const prefix = `lb${Date.now().toString(36)}:`;
  const envFor = (i: number): NodeEnv => ({
    REDIS_URL: redis.url,
    REDIS_PREFIX: prefix,
    NODE_ID: ids[i],
    ALLOWED_ORIGINS: url,
    TRUST_PROXY: '1',
    // The first node writes the demo posts into the empty Redis; a restart finds them there.
    SEED_DEMO: i === 0 ? 'true' : 'false',
    ...(opts.web && { WEB_HANDLER: join(root, 'web/build/handler.js') }),
    ...opts.env,
  });
  const nodes: NodeProcess[] = [];
  let nginx: ChildProcess | null = null;
  const dispose = async () => {
    const proc = nginx;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      await new Promise((resolve) => {
        proc.once('exit', resolve);
        proc.kill('SIGTERM');
      });
    }
    await Promise.all(nodes.map((n) => n.kill('SIGKILL')));
    await redis.dispose();
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    // The seeding node first, so the others never see a half-written demo.
    nodes.push(await startNode(envFor(0), { port: ports[0], compiled: true }));
    nodes.push(...(await Promise.all(ports.slice(1).map((port, j) => startNode(envFor(j + 1), { port, compiled: true })))));

    const conf = execFileSync(process.execPath, [join(root, 'scripts/lib/nginx-conf.mjs'), dir, String(listenPort), ...ports.map(String)], {
      encoding: 'utf8',
    });
    writeFileSync(join(dir, 'nginx.conf'), conf);
    const proc = spawn(NGINX, ['-p', `${dir}/`, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    nginx = proc;
    let stderr = '';
    proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const failed = new Promise<never>((_, reject) => {
      proc.once('error', (err) => reject(new Error(`nginx could not start (${err.message}); install it: apt-get install -y nginx`)));
      proc.once('exit', (code) => reject(new Error(`nginx exited with ${code}: ${stderr}${readLog(join(dir, 'error.log'))}`)));
    });
    failed.catch(() => undefined); // after a successful start only dispose() ends it
    await Promise.race([untilAnswers(`${url}/readyz`), failed]);
  } catch (err) {
    await dispose();
    throw err;
  }

  const accessLog = () => readLog(join(dir, 'access.log'));
  return {
    url,
    redis,
    nodes,
    ids,
    drain: (i) => nodes[i]!.kill('SIGTERM'),
    async restart(i) {
      const node = await startNode({ ...envFor(i), SEED_DEMO: 'false' }, { port: ports[i], compiled: true });
      nodes[i] = node;
      return node;
    },
    async takesTraffic(i, withinMs = 15_000) {
      const deadline = Date.now() + withinMs;
      // Each request is one round-robin turn, so with n nodes a node still in the
      // rotation answers one of every n; nginx tries a left-out node again after fail_timeout.
      while ((await fetch(`${url}/healthz`)).headers.get('x-board-node') !== ids[i]) {
        if (Date.now() > deadline) throw new Error(`nginx sent nothing to ${ids[i]} within ${withinMs} ms:\n${accessLog()}`);
        await new Promise((r) => setTimeout(r, 100)); // polling nginx's fail_timeout; it has no event to await
      }
    },
    accessLog,
    dispose,
  };
}

/** Resolves once url answers 200; polls, as a starting process offers nothing to await. */
async function untilAnswers(url: string, withinMs = 10_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
