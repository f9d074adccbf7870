import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OnlineProxy, startOnlineProxy } from '../helpers/online-proxy.js';

// Every request goes through the one Koa pipeline, so middleware a program adds before the
// routes (the original's `preHook`) sees GET /proxy, what SDKs poll, like any other request.

describe('middleware added through preHook', () => {
  let online: OnlineProxy;
  const seen: string[] = [];

  beforeAll(async () => {
    online = await startOnlineProxy({
      preHook: (koa) => {
        koa.use(async (ctx, next) => {
          seen.push(`${ctx.method} ${ctx.path}`);
          // A program's own check, say: it can refuse before the routes answer.
          if (ctx.get('X-Team') === 'blocked') {
            ctx.status = 403;
            ctx.body = { refused: 'by preHook' };
            return;
          }
          await next();
          ctx.set('X-Seen-By', 'pre-hook');
        });
      },
    });
  });
  afterAll(async () => {
    await online.stop();
  });

  it('sees GET /proxy, and its answer', async () => {
    const answer = await online.request('/proxy?userId=alice');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-seen-by')).toBe('pre-hook');
    expect(seen).toContain('GET /proxy');
    const again = await online.request('/proxy?userId=alice', {
      headers: { 'If-None-Match': answer.headers.get('etag') ?? '' },
    });
    expect(again.status).toBe(304);
    expect(again.headers.get('x-seen-by')).toBe('pre-hook');
  });

  it('runs before the routes: it can refuse GET /proxy and /proxy/all', async () => {
    for (const path of ['/proxy?userId=alice', '/proxy/all']) {
      const refused = await online.request(path, { headers: { 'X-Team': 'blocked' } });
      expect(refused.status).toBe(403);
      expect(await refused.json()).toEqual({ refused: 'by preHook' });
    }
  });

  it('sees POST /proxy and the other routes too', async () => {
    await online.request('/proxy', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    await fetch(`${online.base}/proxy/health`);
    expect(seen).toEqual(expect.arrayContaining(['POST /proxy', 'GET /proxy/health']));
  });
});
