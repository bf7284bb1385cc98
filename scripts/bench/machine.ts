/** Facts about the machine a run happened on, and how to keep server and load apart on it. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface Machine {
  nproc: number;
  cpuModel: string;
  node: string;
  kernel: string;
  memGb: number;
  /** CPUs this process may run on (from /proc/self/status). */
  allowedCpus: number[];
  taskset: boolean;
}

function parseCpuList(list: string): number[] {
  const out: number[] = [];
  for (const part of list.split(',')) {
    const [a, b] = part.split('-').map(Number);
    if (a === undefined || Number.isNaN(a)) continue;
    for (let c = a; c <= (b ?? a); c++) out.push(c);
  }
  return out;
}

export function describeMachine(): Machine {
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) cpuModel = line.split(':').slice(1).join(':').trim();
  } catch {
    // not Linux: os.cpus() it is
  }
  let allowedCpus: number[] = [];
  try {
    const m = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m?.[1]) allowedCpus = parseCpuList(m[1]);
  } catch {
    allowedCpus = [];
  }
  let taskset = false;
  try {
    execFileSync('taskset', ['-c', String(allowedCpus[0] ?? 0), 'true'], { stdio: 'ignore' });
    taskset = true;
  } catch {
    taskset = false;
  }
  let nproc = os.availableParallelism();
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim()) || nproc;
  } catch {
    // keep availableParallelism
  }
  return {
    nproc,
    cpuModel,
    node: process.version,
    kernel: `${os.type()} ${os.release()}`,
    memGb: os.totalmem() / 2 ** 30,
    allowedCpus,
    taskset,
  };
}

/** Server side (nodes and Redis) on one CPU, load generator on another, when there are two to use. */
export function pinning(m: Machine): { server: number | null; load: number | null; note: string } {
  if (!m.taskset || m.allowedCpus.length < 2) {
    return { server: null, load: null, note: m.taskset ? 'not pinned (fewer than 2 CPUs allowed)' : 'not pinned (no taskset)' };
  }
  const [server, load] = m.allowedCpus as [number, number];
  return { server, load, note: `server nodes + redis-server pinned to CPU ${server}, load generator to CPU ${load} (taskset)` };
}

/** User + system CPU of any process, from /proc/<pid>/stat, in microseconds (10 ms resolution). */
export function procCpuUs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
    return (ticks / CLK_TCK) * 1e6;
  } catch {
    return NaN;
  }
}

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * Nanoseconds the process's main thread has spent runnable but waiting for a
 * CPU (/proc/<pid>/schedstat, second field). Its growth over a window says how
 * much other work on the machine delayed this process: the noise in latencies.
 */
export function procWaitNs(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]);
  } catch {
    return NaN;
  }
}

/** The 1-minute load average (runnable + uninterruptible tasks, whole machine). */
export function loadAverage(): number {
  try {
    return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  } catch {
    return os.loadavg()[0] ?? NaN;
  }
}
