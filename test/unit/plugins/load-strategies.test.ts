import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import {
  FALLBACK_HOOKS_URL,
  fallbackParentUrl,
} from '../../../src/plugins/bare-specifier-fallback.js';
import { checkStrategyNames, loadPlugins } from '../../../src/plugins/load-plugins.js';
import { Strategy } from '../../../src/unleash/types.js';

const fixtures = resolve(import.meta.dirname, '../../fixtures/plugins');
const fixture = (name: string) => join(fixtures, name);
const repoRoot = resolve(import.meta.dirname, '../../..');

async function loadStrategies(...files: string[]) {
  const { strategies } = await loadPlugins({
    customStrategiesFiles: files,
    customEnrichersFiles: [],
  });
  return strategies;
}

async function configProblems(files: string[]): Promise<readonly string[]> {
  const error = await loadStrategies(...files).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).problems;
}

describe('loading custom strategy files', () => {
  it("loads the original proxy's CommonJS file format unchanged", async () => {
    const [strategy] = await loadStrategies(fixture('original-format.cjs'));
    expect(strategy).toBeInstanceOf(Strategy);
    expect(strategy?.name).toBe('FromFile');
    expect(strategy?.isEnabled({}, { properties: {} })).toBe(true);
  });

  it('loads the same format written as an ES module (export default)', async () => {
    const [strategy] = await loadStrategies(fixture('original-format.mjs'));
    expect(strategy).toBeInstanceOf(Strategy);
    expect(strategy?.name).toBe('FromEsmFile');
    expect(strategy?.isEnabled({ plan: 'pro' }, { properties: { plan: 'pro' } })).toBe(true);
  });

  it('loads a file compiled from TypeScript (exports.default with __esModule)', async () => {
    const [strategy] = await loadStrategies(fixture('compiled-from-typescript.cjs'));
    expect(strategy?.name).toBe('FromTypeScript');
  });

  it('loads several files in order, with paths relative to the working directory', async () => {
    const relativePath = relative(process.cwd(), fixture('original-format.mjs'));
    expect(relativePath.startsWith('/')).toBe(false);
    const strategies = await loadStrategies(fixture('original-format.cjs'), relativePath);
    expect(strategies.map((strategy) => strategy.name)).toEqual(['FromFile', 'FromEsmFile']);
  });

  it('loads the documented examples in strategies/ as they are', async () => {
    const strategies = await loadStrategies(
      join(repoRoot, 'strategies/time-window.js'),
      join(repoRoot, 'strategies/property-allow-list.js'),
    );
    expect(strategies.map((strategy) => strategy.name)).toEqual([
      'timeWindow',
      'propertyAllowList',
    ]);
    for (const strategy of strategies) expect(strategy).toBeInstanceOf(Strategy);
  });
});

describe('broken strategy files stop the start with a message naming the file', () => {
  it.each([
    ['does-not-exist.js', 'file not found'],
    ['throws-on-load.cjs', 'the module threw while loading: cannot start: missing configuration'],
    ['not-an-array.cjs', 'expected the module to export an array of strategy instances'],
    ['element-without-name.cjs', 'element 0 has no "name" string'],
    ['element-without-is-enabled.cjs', 'element 0 ("incomplete") has no isEnabled'],
    ['class-not-instance.mjs', 'element 0 is a function, not a strategy instance'],
  ])('%s: %s', async (name, problem) => {
    const problems = await configProblems([fixture(name)]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`UNLEASH_CUSTOM_STRATEGIES_FILE ${fixture(name)}: `);
    expect(problems[0]).toContain(problem);
  });

  it('reports every broken file at once, and the message starts the ConfigError', async () => {
    const problems = await configProblems([
      fixture('not-an-array.cjs'),
      fixture('original-format.cjs'),
      fixture('element-without-name.cjs'),
    ]);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('not-an-array.cjs');
    expect(problems[1]).toContain('element-without-name.cjs');
  });

  it('refuses custom strategies named like a built-in one or like each other', () => {
    const named = (name: string) => ({ name, isEnabled: () => true });
    expect(() => checkStrategyNames([named('default')])).toThrow(
      'custom strategy "default" has the name of a built-in strategy',
    );
    expect(() => checkStrategyNames([named('mine'), named('mine')])).toThrow(
      'two custom strategies are named "mine"',
    );
    expect(() => checkStrategyNames([named('mine'), named('yours')])).not.toThrow();
  });
});

describe('a strategy file mounted outside the proxy (as in the Docker image)', () => {
  let outside: string;
  beforeAll(() => {
    outside = mkdtempSync(join(tmpdir(), 'mounted-strategies-'));
    const body = `class Mounted extends Strategy {
  constructor() { super('Mounted'); }
  isEnabled() { return true; }
}`;
    writeFileSync(
      join(outside, 'mounted.mjs'),
      `import { Strategy } from 'unleash-client';\n${body}\nexport default [new Mounted()];\n`,
    );
    writeFileSync(
      join(outside, 'mounted.cjs'),
      `const { Strategy } = require('unleash-client');\n${body}\nmodule.exports = [new Mounted()];\n`,
    );
  });
  afterAll(() => {
    rmSync(outside, { recursive: true, force: true });
  });

  it('loads an ES module that imports unleash-client', async () => {
    const [strategy] = await loadStrategies(join(outside, 'mounted.mjs'));
    expect(strategy).toBeInstanceOf(Strategy);
  });

  // vitest resolves imports itself, so Node's own resolution is checked in a plain node process.
  const importInNode = (withFallback: boolean): string => {
    const script = `
      import { createRequire, register } from 'node:module';
      const fallbackParent = ${JSON.stringify(fallbackParentUrl())};
      if (${withFallback}) register(${JSON.stringify(FALLBACK_HOOKS_URL)}, { data: { fallbackParent } });
      try {
        const { default: [strategy] } = await import(${JSON.stringify(pathToFileURL(join(outside, 'mounted.mjs')).href)});
        const { Strategy } = createRequire(fallbackParent)('unleash-client');
        process.stdout.write(strategy instanceof Strategy ? 'same Strategy class' : 'another copy');
      } catch (error) {
        process.stdout.write(error.code);
      }`;
    return execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: outside,
      env: { PATH: process.env.PATH },
      encoding: 'utf8',
    });
  };

  it("in Node, the ESM fallback gives the mounted file the proxy's own Strategy class", () => {
    expect(importInNode(true)).toBe('same Strategy class');
  });

  it('in Node, without the fallback the same import fails (NODE_PATH does not apply to ESM)', () => {
    expect(importInNode(false)).toBe('ERR_MODULE_NOT_FOUND');
  });

  it("requires 'unleash-client' from CommonJS through NODE_PATH, as the image sets it", () => {
    const script = `
      const [strategy] = require(${JSON.stringify(join(outside, 'mounted.cjs'))});
      const { Strategy } = require('unleash-client');
      process.stdout.write(JSON.stringify({
        sameClass: strategy instanceof Strategy,
        resolved: require.resolve('unleash-client'),
      }));`;
    const output = execFileSync(process.execPath, ['-e', script], {
      cwd: outside,
      env: { PATH: process.env.PATH, NODE_PATH: join(repoRoot, 'node_modules') },
      encoding: 'utf8',
    });
    const result = JSON.parse(output) as { sameClass: boolean; resolved: string };
    expect(result.sameClass).toBe(true);
    expect(result.resolved.startsWith(join(repoRoot, 'node_modules', 'unleash-client'))).toBe(true);
  });

  it('loads a CommonJS file that requires unleash-client, without NODE_PATH', async () => {
    const [strategy] = await loadStrategies(join(outside, 'mounted.cjs'));
    expect(strategy?.name).toBe('Mounted');
  });

  it('still names a package that neither the file nor the proxy has', async () => {
    const file = join(outside, 'needs-missing.cjs');
    writeFileSync(file, "require('no-such-package-anywhere');\nmodule.exports = [];\n");
    const problems = await configProblems([file]);
    expect(problems[0]).toContain("Cannot find module 'no-such-package-anywhere'");
    expect(problems[0]).toContain('next to the file');
  });
});
