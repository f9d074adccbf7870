import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Where the bench runs its processes. On a 2-core machine the load generator (and the fake
 * upstream, in the same process) and the implementation under load would otherwise fight for
 * the same core now and then, which moves req/s more than any change being measured.
 */
export interface Pinning {
  /** The CPU every implementation runs on (through `taskset -c`), when pinned. */
  readonly implementationCpu?: number;
  /** What was done, for the report's header. */
  readonly note: string;
}

/** CPUs in a list such as "0-3,6": the format of Cpus_allowed_list and taskset -c. */
export function parseCpuList(list: string): number[] {
  const cpus: number[] = [];
  for (const part of list.trim().split(',')) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!range) continue;
    const first = Number(range[1]);
    const last = Number(range[2] ?? range[1]);
    for (let cpu = first; cpu <= last; cpu += 1) cpus.push(cpu);
  }
  return cpus;
}

/** The CPUs this process may run on (its affinity, not merely the machine's core count). */
function allowedCpus(): number[] {
  const status = readFileSync('/proc/self/status', 'utf8');
  return parseCpuList(/Cpus_allowed_list:\s*(\S+)/.exec(status)?.[1] ?? '');
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Pins this process (load generator and upstream) to its first allowed CPU and returns the
 * second for the implementations, when wanted and possible; otherwise says why not.
 */
export function pinCpus(wanted: boolean): Pinning {
  if (!wanted) return { note: 'not pinned to CPUs (--no-pin)' };
  const cpus = allowedCpus();
  const [benchCpu, implementationCpu] = cpus;
  if (benchCpu === undefined || implementationCpu === undefined) {
    return { note: `not pinned to CPUs (only ${cpus.length} CPU available)` };
  }
  if (!hasTaskset()) return { note: 'not pinned to CPUs (taskset not found: install util-linux)' };
  // -a: every thread of this process (libuv pool, V8 helpers), not only the main one.
  execFileSync('taskset', ['-a', '-p', '-c', String(benchCpu), String(process.pid)], {
    stdio: 'ignore',
  });
  return {
    implementationCpu,
    note: `implementation pinned to CPU ${implementationCpu}, load generator and fake upstream to CPU ${benchCpu}`,
  };
}
