import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/errors.js';

describe('options given in code', () => {
  it('win over environment variables', () => {
    const config = loadConfig(
      { PORT: '4000', LOG_LEVEL: 'debug', ENABLE_ALL_ENDPOINT: 'false', UNLEASH_APP_NAME: 'env' },
      { proxyPort: 5000, logLevel: 'error', enableAllEndpoint: true, unleashAppName: 'code' },
    );
    expect(config.proxyPort).toBe(5000);
    expect(config.logLevel).toBe('error');
    expect(config.enableAllEndpoint).toBe(true);
    expect(config.unleashAppName).toBe('code');
  });

  it('leave the environment in force for what they do not set', () => {
    const config = loadConfig({ PORT: '4000', LOG_LEVEL: 'debug' }, { logLevel: 'error' });
    expect(config.proxyPort).toBe(4000);
  });

  it('take the types a program would use: numbers, booleans, arrays', () => {
    const config = loadConfig(
      {},
      {
        unleashUrl: 'http://unleash.test/api',
        unleashApiToken: 'token',
        clientKeys: ['a', 'b'],
        refreshInterval: 250,
        jsonLogger: true,
        tags: [{ name: 'team', value: 'web' }],
        corsOrigin: ['https://a.example'],
      },
    );
    expect(config.mode).toBe('online');
    expect(config.allClientKeys).toEqual(['a', 'b']);
    expect(config.refreshInterval).toBe(250);
    expect(config.jsonLogger).toBe(true);
    expect(config.tags).toEqual([{ name: 'team', value: 'web' }]);
    expect(config.corsOrigin).toEqual(['https://a.example']);
  });

  it('also take the environment spellings as strings', () => {
    const config = loadConfig(
      {},
      { proxyMode: 'demo', proxyPort: '8080', enableOAS: 'YES', clientKeys: 'x,y' },
    );
    expect(config.proxyPort).toBe(8080);
    expect(config.enableOAS).toBe(true);
    expect(config.clientKeys).toEqual(['x', 'y']);
  });

  it('are checked as strictly as the environment', () => {
    let problems: readonly string[] = [];
    try {
      loadConfig({}, { proxyPort: 3000.5, jsonLogger: 'maybe', refreshInterval: Number.NaN });
    } catch (error) {
      if (error instanceof ConfigError) problems = error.problems;
    }
    expect(problems).toEqual([
      'option proxyPort=3000.5: expected a whole number',
      'option refreshInterval=null: expected a whole number',
      'option jsonLogger="maybe": expected true/false, 1/0 or yes/no',
    ]);
  });

  it('report a malformed key list instead of crashing, with nothing else made up', () => {
    let problems: readonly string[] = [];
    try {
      loadConfig(
        {},
        { unleashUrl: 'http://unleash.test/api', unleashApiToken: 't', clientKeys: [1, 2] },
      );
    } catch (error) {
      if (error instanceof ConfigError) problems = error.problems;
    }
    expect(problems).toEqual(['option clientKeys=(value hidden): expected a list of strings']);
  });
});

describe("the original proxy's nested code options", () => {
  it('cors: {...} sets every CORS option', () => {
    const config = loadConfig(
      {},
      {
        cors: {
          origin: ['https://a.example', 'https://b.example'],
          methods: ['GET'],
          allowedHeaders: ['Authorization'],
          exposedHeaders: ['ETag', 'X-Trace'],
          credentials: true,
          maxAge: 60,
          preflightContinue: true,
          optionsSuccessStatus: 200,
        },
      },
    );
    expect(config.corsOrigin).toEqual(['https://a.example', 'https://b.example']);
    expect(config.corsMethods).toEqual(['GET']);
    expect(config.corsAllowedHeaders).toEqual(['Authorization']);
    expect(config.corsExposedHeaders).toEqual(['ETag', 'X-Trace']);
    expect(config.corsCredentials).toBe(true);
    expect(config.corsMaxAge).toBe(60);
    expect(config.corsPreflightContinue).toBe(true);
    expect(config.corsOptionsSuccessStatus).toBe(200);
  });

  it('cors: { origin: true } means any origin, as with Express cors', () => {
    expect(loadConfig({}, { cors: { origin: true } }).corsOrigin).toBe('*');
  });

  it('cors: {...} wins over CORS_* variables', () => {
    const config = loadConfig(
      { CORS_ORIGIN: 'https://env.example', CORS_MAX_AGE: '5' },
      { cors: { origin: 'https://code.example' } },
    );
    expect(config.corsOrigin).toEqual(['https://code.example']);
    expect(config.corsMaxAge).toBe(5);
  });

  it('a flat corsOrigin wins over cors.origin', () => {
    const config = loadConfig(
      {},
      { corsOrigin: 'https://flat.example', cors: { origin: 'https://nested.example' } },
    );
    expect(config.corsOrigin).toEqual(['https://flat.example']);
  });

  it('httpOptions.rejectUnauthorized', () => {
    const config = loadConfig(
      { HTTP_OPTIONS_REJECT_UNAUTHORIZED: 'true' },
      { httpOptions: { rejectUnauthorized: false } },
    );
    expect(config.httpRejectUnauthorized).toBe(false);
  });

  it('bootstrap: { url, urlHeaders.Authorization }', () => {
    const config = loadConfig(
      {},
      {
        unleashUrl: 'https://unleash.example.com/api',
        unleashApiToken: 'token',
        clientKeys: ['key'],
        bootstrap: {
          url: 'https://cdn.example.com/flags.json',
          urlHeaders: { Authorization: 'Bearer abc' },
        },
      },
    );
    expect(config.bootstrapUrl).toBe('https://cdn.example.com/flags.json');
    expect(config.bootstrapAuthorization).toBe('Bearer abc');
  });

  it('expServerSideSdkConfig.tokens', () => {
    const config = loadConfig(
      { EXP_SERVER_SIDE_SDK_CONFIG_TOKENS: 'from-env' },
      { expServerSideSdkConfig: { tokens: ['sdk-a', 'sdk-b'] } },
    );
    expect(config.serverSideSdkTokens).toEqual(['sdk-a', 'sdk-b']);
  });

  it('checks nested values too', () => {
    expect(() => loadConfig({}, { cors: { maxAge: 'a day' } })).toThrow(
      'option corsMaxAge="a day": expected a whole number',
    );
    expect(() => loadConfig({}, { bootstrap: { url: 'nowhere' } })).toThrow('bootstrapUrl');
  });
});
