import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OnlineProxy, startOnlineProxy } from '../helpers/online-proxy.js';

// GET /proxy requests that arrive in one turn of the event loop are evaluated together, flag by
// flag (src/evaluation/evaluation-service.ts). Each must still get exactly its own answer.

describe('GET /proxy requests that arrive together', () => {
  let online: OnlineProxy;

  beforeAll(async () => {
    online = await startOnlineProxy({ enableAllEndpoint: true });
  });
  afterAll(async () => {
    await online.stop();
  });

  const answer = async (path: string) => {
    const response = await online.request(path);
    return {
      status: response.status,
      etag: response.headers.get('etag'),
      body: await response.text(),
    };
  };

  it('each gets the answer it gets alone', async () => {
    const paths = Array.from({ length: 60 }, (_, n) =>
      n % 3 === 0 ? `/proxy/all?userId=user-${n}` : `/proxy?userId=user-${n}&sessionId=${n}`,
    );
    const alone: Awaited<ReturnType<typeof answer>>[] = [];
    for (const path of paths) alone.push(await answer(path));
    const together = await Promise.all(paths.map(answer));
    expect(together).toEqual(alone);
    expect(together.every((each) => each.status === 200)).toBe(true);
    // Each answer is for its own context (the tag covers it).
    expect(new Set(together.map((each) => each.etag)).size).toBe(paths.length);
  });
});
