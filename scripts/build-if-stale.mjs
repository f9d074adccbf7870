// `npm start` runs this first: it compiles the proxy only when dist/ is missing or older than a
// source file, so a start costs about a second instead of a full `tsc` run every time.
// Plain JavaScript on purpose: loading TypeScript tooling would cost what it saves.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ENTRY = 'dist/src/main.js';
const INPUTS = ['src', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];

function newestChange(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce(
    (newest, name) => Math.max(newest, newestChange(join(path, name))),
    stat.mtimeMs,
  );
}

function builtAt() {
  try {
    return statSync(ENTRY).mtimeMs;
  } catch {
    return -1;
  }
}

if (builtAt() < Math.max(...INPUTS.map(newestChange))) {
  process.stderr.write('Building the proxy (sources changed since the last build)...\n');
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    stdio: 'inherit',
  });
}
