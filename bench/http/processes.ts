import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The lengths of an implementation's event-loop turns over a stretch of time. */
export interface LoopTurns {
  readonly p50Ms: number;
  readonly p99Ms: number;
}

const LOOP_PROBE = fileURLToPath(new URL('./loop-probe.cjs', import.meta.url));

export interface RunningImplementation {
  readonly name: string;
  readonly origin: string;
  readonly pid: number;
  /** The child's resident set size now, in MiB (from /proc). */
  rssMiB(): number;
  /** CPU time (user + system) the child has used so far, in ms (from /proc). */
  cpuMs(): number;
  /** The child's event-loop turns since the last call (see loop-probe.cjs). */
  loopTurns(): Promise<LoopTurns>;
  stop(): Promise<void>;
}

export interface ImplementationSpec {
  readonly name: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** A request that answers 200 once the implementation serves flags. */
  readonly readyPath: string;
  readonly readyHeaders: Readonly<Record<string, string>>;
  /** The CPU to run on (through `taskset -c`); any CPU when undefined. */
  readonly cpu?: number | undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function readRssMiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
    return kib / 1024;
  } catch {
    return Number.NaN;
  }
}

/** Clock ticks per second of /proc/<pid>/stat: 100 on Linux (`getconf CLK_TCK`). */
const TICKS_PER_SECOND = 100;

function readCpuMs(pid: number): number {
  try {
    // The command name (field 2) may hold spaces; fields after its closing parenthesis are plain.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
    return (ticks * 1000) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** The CPU time and RSS measured must be the implementation's, not a wrapper's. */
function assertRunsNode(pid: number, name: string): void {
  const executable = realpathSync(`/proc/${pid}/exe`);
  if (executable !== realpathSync(process.execPath)) {
    throw new Error(`${name}: pid ${pid} runs ${executable}, not node`);
  }
}

async function waitUntilReady(child: ChildProcess, spec: ImplementationSpec, origin: string) {
  const deadline = Date.now() + 60_000;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${spec.name} exited (${child.exitCode})`);
    try {
      const response = await fetch(`${origin}${spec.readyPath}`, { headers: spec.readyHeaders });
      await response.arrayBuffer();
      if (response.status === 200) return;
      last = `status ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${spec.name} not ready after 60 s: ${last}`);
}

/** Signals the child's loop probe and waits for the report it writes (see loop-probe.cjs). */
function loopTurnsReader(pid: number, file: string): () => Promise<LoopTurns> {
  let sequence = 0;
  return async () => {
    sequence += 1;
    process.kill(pid, 'SIGUSR2');
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline) {
      try {
        const report = JSON.parse(readFileSync(file, 'utf8')) as LoopTurns & { sequence: number };
        if (report.sequence === sequence) return report;
      } catch {
        // Not written yet, or being written.
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`pid ${pid}: no event-loop report within 5 s`);
  };
}

/**
 * Starts one implementation as a child process on PORT, with the loop probe preloaded, and
 * waits until it answers.
 */
export async function startImplementation(
  spec: ImplementationSpec,
): Promise<RunningImplementation> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const probeDir = mkdtempSync(join(tmpdir(), 'bench-loop-'));
  const loopFile = join(probeDir, 'turns.json');
  const nodeArgs = ['--require', LOOP_PROBE, ...spec.args];
  // taskset sets the CPU and then execs node: the child's pid is node's, so /proc/<pid> reads
  // node's CPU time and RSS (checked below once it answers).
  const [command, args] =
    spec.cpu === undefined
      ? [process.execPath, nodeArgs]
      : ['taskset', ['-c', String(spec.cpu), process.execPath, ...nodeArgs]];
  const child = spawn(command, args, {
    env: {
      PATH: process.env.PATH ?? '',
      ...spec.env,
      PORT: String(port),
      BENCH_LOOP_FILE: loopFile,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = child.pid ?? -1;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(probeDir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(child, spec, origin);
    assertRunsNode(pid, spec.name);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    name: spec.name,
    origin,
    pid,
    rssMiB: () => readRssMiB(pid),
    cpuMs: () => readCpuMs(pid),
    loopTurns: loopTurnsReader(pid, loopFile),
    stop,
  };
}

/** Samples a child's RSS every 200 ms until stopped; the peak, in MiB. */
export function sampleRss(implementation: RunningImplementation): () => number {
  let peak = implementation.rssMiB();
  const timer = setInterval(() => {
    const rss = implementation.rssMiB();
    if (rss > peak) peak = rss;
  }, 200);
  return () => {
    clearInterval(timer);
    return Math.max(peak, implementation.rssMiB());
  };
}
