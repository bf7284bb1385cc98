/**
 * A realtime node as a real child process, so a test can SIGKILL or SIGTERM it
 * exactly as an orchestrator would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './redis-server.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface NodeProcess {
  url: string;
  port: number;
  nodeId: string;
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  output(): string;
  /** Resolves when the node's output (stdout or stderr) contains text; rejects after withinMs or at exit. */
  printed(text: string, withinMs: number): Promise<void>;
  /** Resident memory of the process in bytes, from /proc. */
  rss(): number;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts a node and resolves once it is ready ("… on http://" in its output).
 * An env value of undefined removes that variable (SEED_DEMO, say).
 */
export async function startNode(env: NodeEnv, opts: SpawnOptions = {}): Promise<NodeProcess> {
  const node = await spawnNode(env, opts);
  await node.printed(' on http://', 20_000);
  return node;
}

/** Variables for a node; undefined removes one that is set by default. */
export type NodeEnv = Record<string, string | undefined>;

export interface SpawnOptions {
  /** Through scripts/start.sh (install, build when stale, then the compiled node), as `npm start` does. */
  viaStartScript?: boolean;
  /** The compiled service (realtime/dist, `pnpm build:service` first) with plain node, instead of tsx. */
  compiled?: boolean;
  /** Listen on this port instead of a free one (a node restarted where a balancer expects it). */
  port?: number;
}

/** Starts a node process and resolves at once, before it is ready. */
export async function spawnNode(env: NodeEnv, opts: SpawnOptions = {}): Promise<NodeProcess> {
  const port = opts.port ?? (await freePort());
  const nodeId = env.NODE_ID ?? `n${port}`;
  const merged: NodeEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    NODE_ID: nodeId,
    SEED_DEMO: 'false',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'board-node-')),
    SESSION_SECRET: 'chaos-secret-long-enough-for-hmac-0123456789abcdef',
    RATE_LIMIT_FACTOR: '0', // writers post as fast as they can on purpose
    ...env,
  };
  const [command, args] = opts.viaStartScript
    ? ['bash', [join(root, 'scripts/start.sh')]]
    : opts.compiled
      ? [process.execPath, ['--conditions=board-compiled', join(root, 'realtime/dist/main.js')]]
      : [process.execPath, ['--import', 'tsx', join(root, 'realtime/src/main.ts')]];
  const child = spawn(command, args, {
    cwd: root,
    env: Object.fromEntries(Object.entries(merged).filter((e): e is [string, string] => e[1] !== undefined)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));

  const printed = (text: string, withinMs: number) =>
    new Promise<void>((res, rej) => {
      if (out.includes(text)) return res();
      const timer = setTimeout(() => rej(new Error(`node did not print ${JSON.stringify(text)} within ${withinMs} ms:\n${out}`)), withinMs);
      const onData = () => {
        if (!out.includes(text)) return;
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stderr!.off('data', onData);
        res();
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      void exited.then((code) => rej(new Error(`node exited with ${code} before printing ${JSON.stringify(text)}:\n${out}`)));
    });

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    nodeId,
    child,
    exited,
    output: () => out,
    printed,
    rss: () => {
      const status = readProc(`/proc/${child.pid}/status`);
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      return kb * 1024;
    },
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

function readProc(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return ''; // the process has exited
  }
}
