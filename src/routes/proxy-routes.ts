import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { ProxyConfig } from '../config/load-config.js';
import { parseProxyRequestBody, parseQueryContext } from '../context/build-context.js';
import { EndpointDisabledError } from '../errors.js';
import { readJsonBody } from '../http/json-body.js';
import type { ProxyState } from '../http/state.js';
import { addRoute } from '../openapi/define-route.js';
import type { ProxyAnswer } from './proxy-answer.js';
import { getProxy, getProxyAll, postProxy, postProxyAll } from './proxy-definitions.js';

export interface ProxyRoutesDeps {
  config: ProxyConfig;
  /** The answer once a request is let in; the GET fast lane (http/proxy-fast-lane.ts) gives the same. */
  answer: ProxyAnswer;
  /** Runs before each route: readiness and client-key checks. */
  guards: readonly Middleware<ProxyState>[];
}

/** GET/POST /proxy and /proxy/all: flags evaluated for one context. */
export function proxyRoutes({ config, answer, guards }: ProxyRoutesDeps): Router<ProxyState> {
  const router = new Router<ProxyState>();

  const requireAllEndpoint: Middleware<ProxyState> = async (_ctx, next) => {
    if (!config.enableAllEndpoint) throw new EndpointDisabledError('ENABLE_ALL_ENDPOINT');
    await next();
  };

  addRoute(router, getProxy, ...guards, async (ctx) => {
    await answer(ctx, parseQueryContext(ctx.querystring, config.queryParameterLimit), {
      onlyEnabled: true,
    });
  });

  addRoute(router, postProxy, ...guards, async (ctx) => {
    const { context, toggles } = parseProxyRequestBody(
      await readJsonBody(ctx, config.bodyLimitBytes),
    );
    await answer(
      ctx,
      context,
      toggles ? { names: toggles, onlyEnabled: false } : { onlyEnabled: true },
    );
  });

  addRoute(router, getProxyAll, requireAllEndpoint, ...guards, async (ctx) => {
    await answer(ctx, parseQueryContext(ctx.querystring, config.queryParameterLimit), {
      onlyEnabled: false,
    });
  });

  addRoute(router, postProxyAll, requireAllEndpoint, ...guards, async (ctx) => {
    const { context, toggles } = parseProxyRequestBody(
      await readJsonBody(ctx, config.bodyLimitBytes),
    );
    await answer(
      ctx,
      context,
      toggles ? { names: toggles, onlyEnabled: false } : { onlyEnabled: false },
    );
  });

  return router;
}
