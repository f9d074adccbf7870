import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { ProxyState } from '../http/state.js';
import type { Push } from '../push/create-push.js';
import { ALL_FLAGS_SCOPE } from '../push/flag-change-notifier.js';
import { addRoute } from '../routing/define-route.js';
import {
  getApiClientStreaming,
  getProxyClientStreaming,
  getProxyEvents,
} from './stream-definitions.js';

export interface StreamRoutesDeps {
  readonly push: Push;
  /** Readiness, then the frontend stream credential, then PROXY_STREAMS_ENABLED. */
  readonly frontendGuards: readonly Middleware<ProxyState>[];
  /** Readiness, then a server-side SDK token, then PROXY_STREAMS_ENABLED. */
  readonly backendGuards: readonly Middleware<ProxyState>[];
}

/** The event streams of the Unleash SDKs: "refetch" for frontend SDKs, the streaming API for backend SDKs. */
export function streamRoutes({
  push,
  frontendGuards,
  backendGuards,
}: StreamRoutesDeps): Router<ProxyState> {
  const router = new Router<ProxyState>();
  addRoute(router, getProxyEvents, ...frontendGuards, (ctx) => {
    push.refetchStreams.open(ctx, ALL_FLAGS_SCOPE);
  });
  for (const route of [getProxyClientStreaming, getApiClientStreaming]) {
    addRoute(router, route, ...backendGuards, (ctx) => {
      push.unleashStreams.open(ctx);
    });
  }
  return router;
}
