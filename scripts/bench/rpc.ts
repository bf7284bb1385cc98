/**
 * Request/response over the Node IPC channel between the bench orchestrator and
 * its children (server nodes, load generator). Every call has a timeout, so a
 * stuck child ends the run with a message instead of hanging it.
 */
import { spawn, type ChildProcess } from 'node:child_process';

interface RpcRequest {
  kind: 'rpc';
  id: number;
  method: string;
  args: unknown;
}
interface RpcReply {
  kind: 'rpc-reply';
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Handlers = Record<string, (args: any) => unknown>;

/** In a child: answer the orchestrator's calls; exit when it goes away. */
export function serveRpc(handlers: Handlers): void {
  if (!process.send) throw new Error('bench children are started by scripts/bench/bench.ts (no IPC channel)');
  process.on('message', (msg: RpcRequest) => {
    if (msg?.kind !== 'rpc') return;
    const reply = (r: Omit<RpcReply, 'kind' | 'id'>) => process.send?.({ kind: 'rpc-reply', id: msg.id, ...r });
    const fn = handlers[msg.method];
    if (!fn) return reply({ ok: false, error: `no method ${msg.method}` });
    Promise.resolve()
      .then(() => fn(msg.args))
      .then(
        (result) => reply({ ok: true, result }),
        (err: unknown) => reply({ ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
      );
  });
  // The orchestrator died or closed the channel: nothing left to serve.
  process.on('disconnect', () => process.exit(0));
}

export interface SpawnOptions {
  /** Logical CPU to pin the process to with taskset; null leaves it unpinned. */
  cpu: number | null;
  /** Extra node flags, e.g. --expose-gc. */
  nodeArgs?: string[];
  env?: NodeJS.ProcessEnv;
  cwd: string;
}

export class Child {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    readonly proc: ChildProcess,
  ) {
    proc.on('message', (msg: RpcReply) => {
      if (msg?.kind !== 'rpc-reply') return;
      const w = this.waiting.get(msg.id);
      if (!w) return;
      this.waiting.delete(msg.id);
      if (msg.ok) w.resolve(msg.result);
      else w.reject(new Error(`${name}: ${msg.error}`));
    });
    this.exited = new Promise((resolve) =>
      proc.once('exit', (code) => {
        for (const w of this.waiting.values()) w.reject(new Error(`${name} exited (code ${code})`));
        this.waiting.clear();
        resolve(code);
      }),
    );
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  call<T>(method: string, args: unknown = {}, timeoutMs = 60_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`${this.name}.${method} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.proc.send({ kind: 'rpc', id, method, args } satisfies RpcRequest);
    });
  }

  /** Asks the child to exit; kills it (this pid only) if it has not after `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.call('exit', {}, graceMs).catch(() => undefined);
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Starts `node --import tsx <file>` (pinned with taskset when asked) with an IPC channel. */
export function spawnChild(name: string, file: string, opts: SpawnOptions): Child {
  const nodeArgv = ['--import', 'tsx', ...(opts.nodeArgs ?? []), file];
  const [cmd, argv] =
    opts.cpu === null ? [process.execPath, nodeArgv] : ['taskset', ['-c', String(opts.cpu), process.execPath, ...nodeArgv]];
  const proc = spawn(cmd, argv, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Child(name, proc);
}
