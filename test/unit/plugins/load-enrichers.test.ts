import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { loadPlugins } from '../../../src/plugins/load-plugins.js';

const fixture = (name: string) =>
  join(resolve(import.meta.dirname, '../../fixtures/plugins'), name);

const loadEnrichers = async (...files: string[]) =>
  (await loadPlugins({ customStrategiesFiles: [], customEnrichersFiles: files })).enrichers;

describe('loading context enricher files', () => {
  it('loads CommonJS and ESM files, in order', async () => {
    const enrichers = await loadEnrichers(fixture('enrichers.cjs'), fixture('enrichers.mjs'));
    expect(enrichers.map((enricher) => enricher.name)).toEqual([
      'tenantFromHeader',
      'failOnDemand',
      '',
    ]);
  });

  it.each([
    ['missing.cjs', 'file not found'],
    ['not-an-array.cjs', 'expected the module to export an array of functions'],
    ['enricher-not-a-function.cjs', 'element 1 is string, not a function'],
    ['throws-on-load.cjs', 'the module threw while loading'],
  ])('refuses %s: %s', async (name, problem) => {
    const error = await loadEnrichers(fixture(name)).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ConfigError);
    const [message] = (error as ConfigError).problems;
    expect(message).toContain(`EXP_CUSTOM_ENRICHERS_FILE ${fixture(name)}: ${problem}`);
  });
});
