import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StrategyLike } from '../../../src/plugins/guard-strategy.js';
import { loadStrategyFile } from '../../../src/plugins/load-strategies.js';

const file = join(resolve(import.meta.dirname, '../../..'), 'strategies/property-allow-list.js');

describe('strategies/property-allow-list.js', () => {
  let allowList: StrategyLike;
  beforeAll(async () => {
    [allowList] = (await loadStrategyFile(file, process.cwd())) as [StrategyLike];
  });
  const tenants = { property: 'tenant', values: 'acme, globex ,initech' };

  it('is named propertyAllowList', () => {
    expect(allowList.name).toBe('propertyAllowList');
  });

  it('is enabled only for the listed values of a custom property', () => {
    expect(allowList.isEnabled(tenants, { properties: { tenant: 'globex' } })).toBe(true);
    expect(allowList.isEnabled(tenants, { properties: { tenant: 'umbrella' } })).toBe(false);
    expect(allowList.isEnabled(tenants, { properties: { tenant: 'ACME' } })).toBe(false);
    expect(allowList.isEnabled(tenants, { properties: {} })).toBe(false);
  });

  it('compares ignoring case when asked', () => {
    const parameters = { ...tenants, caseInsensitive: 'true' };
    expect(allowList.isEnabled(parameters, { properties: { tenant: 'ACME' } })).toBe(true);
  });

  it('reads standard context fields by name', () => {
    const parameters = { property: 'userId', values: 'alice,bob' };
    expect(allowList.isEnabled(parameters, { userId: 'bob', properties: {} })).toBe(true);
    expect(allowList.isEnabled(parameters, { userId: 'eve', properties: {} })).toBe(false);
  });

  it('does not read inherited object keys as properties', () => {
    const parameters = { property: 'constructor', values: 'x' };
    expect(allowList.isEnabled(parameters, { properties: {} })).toBe(false);
  });

  it('is never enabled with an empty list, and throws without a property name', () => {
    expect(
      allowList.isEnabled({ property: 'tenant', values: '' }, { properties: { tenant: '' } }),
    ).toBe(false);
    expect(() => allowList.isEnabled({ values: 'acme' }, { properties: {} })).toThrow(
      'parameter property is empty',
    );
  });
});
