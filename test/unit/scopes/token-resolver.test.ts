import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors.js';
import { createLogger } from '../../../src/logger.js';
import { scopeOf } from '../../../src/scopes/scope.js';
import { TokenAccess } from '../../../src/scopes/token-access.js';
import { type ResolvedToken, TokenResolver } from '../../../src/scopes/token-resolver.js';
import { createTokenValidator } from '../../../src/unleash/token-validation.js';
import { type FakeToken, FakeUnleash } from '../../helpers/fake-unleash.js';

const FRONTEND: FakeToken = {
  token: 'web:development.front',
  type: 'frontend',
  environment: 'development',
  projects: ['web'],
};
const BACKEND: FakeToken = {
  token: '*:development.back',
  type: 'client',
  environment: 'development',
  projects: ['*'],
};
const NEWER_BACKEND: FakeToken = { ...BACKEND, token: '*:production.back', type: 'backend' };
const ALIAS: FakeToken = {
  token: 'my-alias',
  type: 'frontend',
  environment: 'production',
  projects: ['a', 'b'],
};
const logger = createLogger({ level: 'silent', json: true });

describe('TokenResolver against an upstream on 127.0.0.1', () => {
  let upstream: FakeUnleash;
  let clock: number;
  let resolver: TokenResolver;

  const validations = () => upstream.requestsTo('/edge/validate');

  beforeEach(async () => {
    upstream = await new FakeUnleash().start();
    upstream.setTokens([FRONTEND, BACKEND, NEWER_BACKEND, ALIAS]);
    clock = 1_000_000;
    resolver = new TokenResolver({
      validate: createTokenValidator({
        unleashUrl: upstream.url,
        appName: 'test',
        instanceId: 'test-1',
        timeoutMs: 2000,
        httpOptions: { rejectUnauthorized: true },
      }),
      revalidateEveryMs: 0,
      invalidForMs: 30_000,
      logger,
      now: () => clock,
    });
  });

  afterEach(async () => {
    await resolver.close();
    await upstream.stop();
  });

  it('learns kind and scope from Unleash, once per token', async () => {
    const first = await resolver.resolve(FRONTEND.token);
    expect(first).toEqual({
      status: 'valid',
      token: {
        secret: FRONTEND.token,
        kind: 'frontend',
        scope: scopeOf('development', ['web']),
        source: 'upstream',
      },
    });
    await resolver.resolve(FRONTEND.token);
    expect(validations()).toHaveLength(1);
    expect(validations()[0]?.body).toEqual({ tokens: [FRONTEND.token] });
    expect(validations()[0]?.headers.authorization).toBeUndefined();
  });

  it("reads both of Unleash's names for backend tokens, and aliases", async () => {
    const [client, backend, alias] = await Promise.all(
      [BACKEND, NEWER_BACKEND, ALIAS].map((t) => resolver.resolve(t.token)),
    );
    expect(client?.status === 'valid' && client.token.kind).toBe('backend');
    expect(backend?.status === 'valid' && backend.token.kind).toBe('backend');
    expect(alias?.status === 'valid' && alias.token.scope).toEqual(
      scopeOf('production', ['a', 'b']),
    );
    // Asked in the same turn of the event loop: one request for the three.
    expect(validations()).toHaveLength(1);
  });

  it('remembers a refused token for a while, then asks again', async () => {
    for (let i = 0; i < 5; i++) {
      expect(await resolver.resolve('*:development.garbage')).toEqual({ status: 'invalid' });
    }
    expect(validations()).toHaveLength(1);
    clock += 30_001;
    await resolver.resolve('*:development.garbage');
    expect(validations()).toHaveLength(2);
  });

  it('keeps known tokens while Unleash is down, and says "unavailable" for new ones', async () => {
    await resolver.resolve(FRONTEND.token);
    await upstream.stop();
    expect((await resolver.resolve(FRONTEND.token)).status).toBe('valid');
    expect(await resolver.resolve('*:development.new')).toEqual({ status: 'unavailable' });
    await upstream.start();
    upstream.validationFault = { kind: 'status', status: 500 };
    expect(await resolver.resolve('*:development.new')).toEqual({
      status: 'unavailable',
      upstreamStatus: 500,
    });
    await resolver.revalidate();
    expect((await resolver.resolve(FRONTEND.token)).status).toBe('valid');
  });

  it('drops a token revalidation no longer finds, and says so', async () => {
    const revoked: ResolvedToken[] = [];
    resolver.onRevoked((token) => revoked.push(token));
    await resolver.resolve(FRONTEND.token);
    await resolver.resolve(BACKEND.token);
    upstream.setTokens([FRONTEND]);
    await resolver.revalidate();
    expect(revoked.map((token) => token.secret)).toEqual([BACKEND.token]);
    expect(resolver.peek(BACKEND.token)).toBeUndefined();
    expect(await resolver.resolve(BACKEND.token)).toEqual({ status: 'invalid' });
    expect(resolver.peek(FRONTEND.token)?.kind).toBe('frontend');
  });

  it('believes nothing about tokens it did not ask about', async () => {
    upstream.setTokens([{ ...FRONTEND, token: 'someone-else' }]);
    expect(await resolver.resolve('web:development.mine')).toEqual({ status: 'invalid' });
  });

  describe('TokenAccess', () => {
    const access = () =>
      new TokenAccess(resolver, {
        scopesIn: (environment) =>
          environment === 'development' ? [scopeOf('development', ['web', 'shop'])] : [],
      });

    async function refusal(header: string | undefined, kind: 'frontend' | 'backend') {
      try {
        await access().authorize(header, kind);
      } catch (error) {
        if (error instanceof AppError) {
          return { status: error.statusCode, code: error.code, details: error.details };
        }
        throw error;
      }
      throw new Error('authorized');
    }

    it('grants a covered token of the right kind its environment and projects', async () => {
      const grant = await access().authorize(`Bearer ${FRONTEND.token}`, 'frontend');
      expect(grant.environment).toBe('development');
      expect(grant.projects).toEqual(['web']);
    });

    it('answers as Unleash: 401 for missing or unknown, 403 for the wrong kind', async () => {
      expect(await refusal(undefined, 'frontend')).toMatchObject({ status: 401 });
      expect(await refusal('*:development.unknown', 'frontend')).toMatchObject({
        status: 401,
        code: 'INVALID_TOKEN',
      });
      expect(await refusal(BACKEND.token, 'frontend')).toMatchObject({
        status: 403,
        code: 'WRONG_TOKEN_TYPE',
        details: { presented: 'backend', expected: 'frontend' },
      });
      expect(await refusal(FRONTEND.token, 'backend')).toMatchObject({ status: 403 });
    });

    it('names the projects and environment no configured token covers', async () => {
      expect(await refusal(ALIAS.token, 'frontend')).toEqual({
        status: 403,
        code: 'SCOPE_NOT_COVERED',
        details: { missing: '[a,b]:production' },
      });
    });

    it('answers 503 when Unleash cannot be asked about a new token', async () => {
      upstream.validationFault = { kind: 'reset' };
      expect(await refusal('*:development.new', 'frontend')).toMatchObject({
        status: 503,
        code: 'TOKEN_VALIDATION_UNAVAILABLE',
      });
    });
  });
});
