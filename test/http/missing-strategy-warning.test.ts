import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUnleash } from '../helpers/fake-unleash.js';
import {
  CLIENT_KEY,
  enabledNames,
  type OnlineProxy,
  type ProxyOnFake,
  startOnlineProxy,
} from '../helpers/online-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

function flag(name: string, strategy: string, enabled = true) {
  return { name, enabled, strategies: [{ name: strategy, parameters: {}, constraints: [] }] };
}

const FLAGS = {
  features: [
    flag('checkout', 'forgotten'),
    flag('banner', 'forgotten'),
    flag('paused', 'forgotten', false),
    flag('search', 'alsoForgotten'),
    flag('always', 'default'),
    flag('mine', 'mineImplemented'),
  ],
};

interface LogLine {
  level: number;
  msg: string;
  strategy?: string;
  flags?: string[];
}

describe('a flag using a strategy nobody implements', () => {
  let online: OnlineProxy;
  let fake: FakeUnleash;
  let proxy: ProxyOnFake;
  const warnings = (): LogLine[] =>
    proxy
      .logs()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine)
      .filter((line) => line.strategy !== undefined && line.level === 40);
  const polls = () => fake.requestsTo('/api/client/features').length;

  beforeAll(async () => {
    online = await startOnlineProxy(
      {
        refreshInterval: 100,
        jsonLogger: true,
        logLevel: 'warn',
        customStrategies: [{ name: 'mineImplemented', isEnabled: () => true }],
      },
      {},
      FLAGS,
    );
    ({ fake, proxy } = online);
  });
  afterAll(() => online.stop());

  it('is off, and the log says once per strategy name which flags use it', async () => {
    const names = await enabledNames(
      await fetch(`${proxy.origin}/proxy`, { headers: { authorization: CLIENT_KEY } }),
    );
    expect(names).toEqual(['always', 'mine']);
    expect(warnings().map(({ strategy, flags }) => ({ strategy, flags }))).toEqual([
      { strategy: 'forgotten', flags: ['checkout', 'banner'] },
      { strategy: 'alsoForgotten', flags: ['search'] },
    ]);
    expect(warnings()[0]?.msg).toContain('checkout, banner');

    // Polls that bring nothing new (304) do not repeat it.
    const before = polls();
    await waitFor(() => polls() >= before + 3, 'three more polls');
    expect(warnings()).toHaveLength(2);
  });

  it('is warned about again on the next flag update', async () => {
    fake.setState({ features: [...FLAGS.features, flag('new-one', 'forgotten')] });
    await waitFor(() => warnings().length > 2, 'the warning after the update');
    expect(
      warnings()
        .slice(2)
        .map(({ strategy, flags }) => ({ strategy, flags })),
    ).toEqual([
      { strategy: 'forgotten', flags: ['checkout', 'banner', 'new-one'] },
      { strategy: 'alsoForgotten', flags: ['search'] },
    ]);
  });
});
