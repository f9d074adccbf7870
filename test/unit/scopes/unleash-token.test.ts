import { describe, expect, it } from 'vitest';
import {
  readPretrustedToken,
  readTokenClaim,
  tokenFromHeader,
} from '../../../src/scopes/unleash-token.js';

const V2 = `default:production.v2_${'A'.repeat(22)}_${'b'.repeat(43)}`;

describe('readTokenClaim', () => {
  it.each([
    ['default:development.abc123', 'development', ['default']],
    ['*:production.abc', 'production', ['*']],
    ['[]:development.abc', 'development', undefined],
    [V2, 'production', ['default']],
    ['*:*.admin', '*', ['*']],
  ])('%s claims %s and %j', (secret, environment, projects) => {
    expect(readTokenClaim(secret)).toEqual({ secret, environment, projects });
  });

  it.each(['an-alias', 'no-dot:here', ':development.x', 'p:.x', 'p:env.', 'dotted.first:env'])(
    'reads %s as an alias: only Unleash can tell what it is',
    (secret) => {
      expect(readTokenClaim(secret)).toEqual({
        secret,
        environment: undefined,
        projects: undefined,
      });
    },
  );
});

describe('tokenFromHeader', () => {
  it('takes the bare token and the Bearer form', () => {
    expect(tokenFromHeader('*:development.abc')).toBe('*:development.abc');
    expect(tokenFromHeader('Bearer *:development.abc')).toBe('*:development.abc');
    expect(tokenFromHeader('bearer   *:development.abc ')).toBe('*:development.abc');
  });

  it('refuses what cannot be a token', () => {
    expect(tokenFromHeader(undefined)).toBeUndefined();
    expect(tokenFromHeader('')).toBeUndefined();
    expect(tokenFromHeader('Bearer ')).toBeUndefined();
    expect(tokenFromHeader('two words')).toBeUndefined();
    expect(tokenFromHeader('x'.repeat(513))).toBeUndefined();
  });
});

describe('readPretrustedToken', () => {
  it("reads Edge's legacy secret@environment as every project of the environment", () => {
    expect(readPretrustedToken('my-secret@production')).toEqual({
      secret: 'my-secret',
      environment: 'production',
      projects: ['*'],
    });
  });

  it('reads an Unleash token with the projects it names', () => {
    expect(readPretrustedToken('web:development.abc')).toEqual({
      secret: 'web:development.abc',
      environment: 'development',
      projects: ['web'],
    });
  });

  it('refuses tokens that do not say what they grant', () => {
    expect(readPretrustedToken('[]:development.abc')).toBeUndefined();
    expect(readPretrustedToken('*:*.admin')).toBeUndefined();
    expect(readPretrustedToken('plain')).toBeUndefined();
    expect(readPretrustedToken('@production')).toBeUndefined();
  });
});
