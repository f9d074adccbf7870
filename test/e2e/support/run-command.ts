import { execFile } from 'node:child_process';

export interface RunAs {
  uid: number;
  gid: number;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  runAs?: RunAs | undefined;
  timeoutMs?: number;
}

/** Runs a command to completion; on failure the error carries its output, which is what you need in CI logs. */
export function runCommand(
  command: string,
  args: readonly string[],
  { cwd, env = process.env, runAs, timeoutMs = 60_000 }: RunOptions = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd, env, timeout: timeoutMs, ...(runAs ?? {}) },
      (error, stdout, stderr) => {
        if (error) {
          const output = `${stdout}${stderr}`.trim();
          reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${output}`));
        } else {
          resolve(stdout);
        }
      },
    );
  });
}
