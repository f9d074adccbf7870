import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';

export interface CleanupCommand {
  file: string;
  args: string[];
  cwd?: string;
  uid?: number;
  gid?: number;
}

export interface CleanupPlan {
  killPids?: number[];
  commands?: CleanupCommand[];
  removePaths?: string[];
}

export interface CleanupGuard {
  /** Call once the resource was cleaned up normally. */
  disarm(): void;
}

// Runs in the watchdog: it waits for its stdin to close. If we said "disarm"
// first, all is well; otherwise our process died (Ctrl-C, vitest killing a
// worker, SIGKILL) and the watchdog cleans up in our place.
const WATCHDOG_SOURCE = `
const { execFileSync } = require('node:child_process');
const { rmSync } = require('node:fs');
const plan = JSON.parse(process.argv[1]);
let disarmed = false;
process.stdin.on('data', (chunk) => { if (String(chunk).includes('disarm')) disarmed = true; });
process.stdin.on('end', () => {
  if (disarmed) return;
  for (const pid of plan.killPids ?? []) { try { process.kill(pid, 'SIGKILL'); } catch {} }
  for (const c of plan.commands ?? []) {
    try { execFileSync(c.file, c.args, { stdio: 'ignore', cwd: c.cwd, uid: c.uid, gid: c.gid, timeout: 30000 }); } catch {}
  }
  for (const path of plan.removePaths ?? []) rmSync(path, { recursive: true, force: true });
});
process.stdin.resume();
`;

/**
 * 'exit' handlers do not run when vitest kills a worker, and pg_ctl's daemon
 * or Unleash's child process would then outlive the tests. A detached
 * watchdog notices our death through its stdin pipe closing.
 */
export function guardCleanup(plan: CleanupPlan): CleanupGuard {
  const watchdog = spawn(process.execPath, ['-e', WATCHDOG_SOURCE, JSON.stringify(plan)], {
    detached: true, // its own process group, so it survives signals sent to ours
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  watchdog.unref();
  // The open pipe must not keep our event loop alive either.
  (watchdog.stdin as Socket).unref();
  let disarmed = false;
  return {
    disarm() {
      if (disarmed) return;
      disarmed = true;
      watchdog.stdin.end('disarm\n');
    },
  };
}
