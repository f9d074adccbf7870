import { describe, expect, it } from 'vitest';
import {
  ALL_FLAGS_SCOPE,
  covers,
  reduceScopes,
  scopeKey,
  scopeLabel,
  scopeOf,
} from '../../../src/scopes/scope.js';
import { uncoveredPart } from '../../../src/scopes/token-access.js';

const dev = (...projects: string[]) => scopeOf('development', projects);
const prod = (...projects: string[]) => scopeOf('production', projects);

describe('covers', () => {
  it('takes the same environment and a superset of projects', () => {
    expect(covers(dev('*'), dev('a'))).toBe(true);
    expect(covers(dev('a', 'b'), dev('b'))).toBe(true);
    expect(covers(dev('a'), dev('a', 'b'))).toBe(false);
    expect(covers(dev('a', 'b'), dev('*'))).toBe(false);
    expect(covers(dev('*'), prod('a'))).toBe(false);
  });
});

describe('reduceScopes', () => {
  const item = (name: string, scope: ReturnType<typeof scopeOf>) => ({ name, scope });

  it('drops tokens another one covers, as Edge does, keeping the first of equal ones', () => {
    const kept = reduceScopes([
      item('a-dev', dev('a')),
      item('all-dev', dev('*')),
      item('ab-prod', prod('a', 'b')),
      item('b-prod', prod('b')),
      item('ba-prod', prod('b', 'a')),
      item('c-prod', prod('c')),
    ]);
    expect(kept.map((entry) => entry.name)).toEqual(['all-dev', 'ab-prod', 'c-prod']);
  });
});

describe('uncoveredPart', () => {
  it('names the projects no synchronized scope includes', () => {
    expect(uncoveredPart(dev('a', 'b'), [dev('a')])).toEqual(dev('b'));
    expect(uncoveredPart(dev('a', 'b'), [dev('a'), dev('b')])).toBeUndefined();
    expect(uncoveredPart(dev('a'), [dev('*')])).toBeUndefined();
    expect(uncoveredPart(dev('*'), [dev('a'), dev('b')])).toEqual(dev('*'));
    expect(uncoveredPart(prod('a'), [])).toEqual(prod('a'));
  });

  it('writes scopes as Unleash writes tokens', () => {
    expect(scopeLabel(dev('*'))).toBe('*:development');
    expect(scopeLabel(dev('a'))).toBe('a:development');
    expect(scopeLabel(dev('b', 'a'))).toBe('[a,b]:development');
  });
});

describe('scopeKey', () => {
  it('names the flags a grant reads the same way whatever the order of its projects', () => {
    expect(scopeKey({ environment: 'development', projects: ['b', 'a', 'b'] })).toBe(
      'development|a,b',
    );
    expect(scopeKey({ environment: 'development', projects: ['a', 'b'] })).toBe(
      scopeKey({ environment: 'development', projects: ['b', 'a'] }),
    );
    expect(scopeKey({ environment: 'development', projects: ['a', '*'] })).toBe('development|*');
  });

  it('tells environments and project sets apart, and never equals the primary set key', () => {
    const keys = [
      scopeKey(dev('*')),
      scopeKey(prod('*')),
      scopeKey(dev('a')),
      scopeKey(dev('a', 'b')),
      ALL_FLAGS_SCOPE,
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });
});
