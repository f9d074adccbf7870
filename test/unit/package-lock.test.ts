import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface LockPackage {
  version?: string;
  optionalDependencies?: Record<string, string>;
}

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
  packages: Record<string, LockPackage>;
};

describe('package-lock.json', () => {
  // npm ci refuses a lock that lacks an optional dependency of a locked package (npm install
  // writes only the current platform's binaries when the registry has no others).
  it('lists every optional dependency of every locked package, for every platform (npm ci)', () => {
    const missing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        const nested = `${path}/node_modules/${name}`;
        if (
          lock.packages[nested] === undefined &&
          lock.packages[`node_modules/${name}`] === undefined
        ) {
          missing.push(`${name} (of ${path || 'the root'})`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('is what CI and the Docker image install from, with npm ci', () => {
    expect(readFileSync('.ci/run', 'utf8')).toMatch(/^npm ci\b/m);
    expect(readFileSync('Dockerfile', 'utf8')).toMatch(/RUN npm ci\b/);
  });
});
