/**
 * Start-up time and memory of the service run from TypeScript through tsx
 * against the compiled build with plain node: `pnpm bench:startup [runs]`.
 *
 * Each run starts a node on a free port (memory engine, no demo data, its own
 * data folder), measures the time from spawn to its "… on http://" log line
 * and its resident memory (VmRSS) right then and after one /readyz request,
 * and stops it with SIGTERM. Variants alternate run by run so a machine that
 * gets busier part-way affects both alike. Builds the service first (tsc -b).
 * Figures on a shared machine mean little: run it on a quiet one.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../lib/redis-server.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const runs = Number(process.argv[2] ?? 5);
/** A node that is not ready after this long counts as failed (ms). */
const READY_WITHIN_MS = 60_000;

const variants = {
  tsx: ['--import', 'tsx', join(root, 'realtime/src/main.ts')],
  compiled: ['--conditions=board-compiled', join(root, 'realtime/dist/main.js')],
} as const;
type Variant = keyof typeof variants;

interface Run {
  readyMs: number;
  rssReadyMb: number;
  rssServedMb: number;
}

function rssMb(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  return kb / 1024;
}

async function once(variant: Variant): Promise<Run> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'board-startup-'));
  const started = performance.now();
  const child = spawn(process.execPath, [...variants[variant]], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', SEED_DEMO: 'false', DATA_DIR: dataDir, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let out = '';
    await new Promise<void>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`${variant}: not ready within ${READY_WITHIN_MS} ms:\n${out}`)), READY_WITHIN_MS);
      const onData = (d: Buffer) => {
        out += d.toString();
        if (!out.includes(' on http://')) return;
        clearTimeout(timer);
        res();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => rej(new Error(`${variant}: exited with ${code}:\n${out}`)));
    });
    const readyMs = performance.now() - started;
    const rssReadyMb = rssMb(child.pid!);
    await fetch(`http://127.0.0.1:${port}/readyz`);
    return { readyMs, rssReadyMb, rssServedMb: rssMb(child.pid!) };
  } finally {
    const exited = new Promise((res) => child.once('exit', res));
    child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

console.log('Building the service (pnpm build:service)...');
execFileSync('pnpm', ['-s', 'run', 'build:service'], { cwd: root, stdio: 'inherit' });

const results: Record<Variant, Run[]> = { tsx: [], compiled: [] };
// One unmeasured start of each first: the file cache and tsx's transform cache warm up.
for (const v of Object.keys(variants) as Variant[]) await once(v);
for (let i = 0; i < runs; i++) {
  for (const v of (i % 2 ? ['compiled', 'tsx'] : ['tsx', 'compiled']) as Variant[]) results[v].push(await once(v));
}

console.log(`\n${runs} runs each, medians (min–max):\n`);
console.log('| variant | start to ready | RSS at ready | RSS after one request |');
console.log('| --- | --- | --- | --- |');
for (const v of Object.keys(variants) as Variant[]) {
  const col = (pick: (r: Run) => number, unit: string, digits: number) => {
    const xs = results[v].map(pick);
    return `${median(xs).toFixed(digits)} ${unit} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;
  };
  console.log(`| ${v} | ${col((r) => r.readyMs, 'ms', 0)} | ${col((r) => r.rssReadyMb, 'MB', 1)} | ${col((r) => r.rssServedMb, 'MB', 1)} |`);
}
