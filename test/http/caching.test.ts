import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_FLAGS } from '../fixtures/test-flags.js';
import { type OnlineProxy, postJson, startOnlineProxy } from '../helpers/online-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

describe('Cache-Control and ETag', () => {
  let online: OnlineProxy;
  beforeAll(async () => {
    online = await startOnlineProxy({ refreshInterval: 100 });
  });
  afterAll(async () => {
    await online.stop();
  });

  it('sends Cache-Control: public, max-age=2 on GET and POST', async () => {
    expect((await online.request('/proxy')).headers.get('cache-control')).toBe('public, max-age=2');
    expect((await postJson(online, '/proxy', {})).headers.get('cache-control')).toBe(
      'public, max-age=2',
    );
  });

  it('answers 304 without a body to a GET with a matching If-None-Match', async () => {
    const first = await online.request('/proxy?userId=alice');
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    const again = await online.request('/proxy?userId=alice', {
      headers: { 'if-none-match': etag ?? '' },
    });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(await again.text()).toBe('');
  });

  it('gives the same ETag for the same context, whatever the parameter order', async () => {
    const a = await online.request('/proxy?userId=alice&plan=gold');
    const b = await online.request('/proxy?plan=gold&userId=alice');
    expect(a.headers.get('etag')).toBe(b.headers.get('etag'));
  });

  it('answers 200 with the flags when the context differs', async () => {
    const etag = (await online.request('/proxy?userId=alice')).headers.get('etag') ?? '';
    const other = await online.request('/proxy?userId=bob', { headers: { 'if-none-match': etag } });
    expect(other.status).toBe(200);
    expect(other.headers.get('etag')).not.toBe(etag);
  });

  it('answers 304 to a POST of the same context, 200 to another context', async () => {
    const first = await postJson(online, '/proxy', { context: { userId: 'alice' } });
    const etag = first.headers.get('etag') ?? '';
    const post = (userId: string) =>
      online.request('/proxy', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'if-none-match': etag },
        body: JSON.stringify({ context: { userId } }),
      });
    expect((await post('alice')).status).toBe(304);
    expect((await post('bob')).status).toBe(200);
  });

  it('changes the ETag when the flags change upstream', async () => {
    const before = (await online.request('/proxy')).headers.get('etag') ?? '';
    online.fake.setState({
      ...TEST_FLAGS,
      features: TEST_FLAGS.features.map((feature) =>
        feature.name === 'always-off' ? { ...feature, enabled: true } : feature,
      ),
    });
    // The next poll brings the change: revalidations answer 304 until then.
    let response = await online.request('/proxy', { headers: { 'if-none-match': before } });
    await waitFor(async () => {
      response = await online.request('/proxy', { headers: { 'if-none-match': before } });
      return response.status !== 304;
    }, 'the changed flags');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { toggles: { name: string }[] };
    expect(body.toggles.map((toggle) => toggle.name)).toContain('always-off');
  });
});
