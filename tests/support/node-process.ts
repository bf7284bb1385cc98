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
  /** Resident memory of the process in bytes, from /proc. */
  rss(): number;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

export async function startNode(env: Record<string, string>): Promise<NodeProcess> {
  const port = await freePort();
  const nodeId = env.NODE_ID ?? `n${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'realtime/src/main.ts')], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      NODE_ID: nodeId,
      SEED_DEMO: 'false',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'board-node-')),
      SESSION_SECRET: 'chaos-secret-long-enough-for-hmac-0123456789abcdef',
      RATE_LIMIT_FACTOR: '0', // writers post as fast as they can on purpose
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));

  await new Promise<void>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`node did not start within 20 s:\n${out}`)), 20_000);
    const onData = () => {
      if (!out.includes(' on http://')) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      res();
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => rej(new Error(`node exited with ${code} while starting:\n${out}`)));
  });

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    nodeId,
    child,
    exited,
    output: () => out,
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
