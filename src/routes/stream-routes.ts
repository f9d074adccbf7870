import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { ProxyContext, ProxyState } from '../http/state.js';
import type { Push } from '../push/create-push.js';
import { ALL_FLAGS_SCOPE } from '../push/flag-change-notifier.js';
import { addRoute } from '../routing/define-route.js';
import { callerScopeKey } from '../scopes/scope.js';
import {
  getApiClientStreaming,
  getProxyClientStreaming,
  getProxyEvents,
} from './stream-definitions.js';

export interface StreamRoutesDeps {
  readonly push: Push;
  /** Readiness, then the frontend stream credential, then PROXY_STREAMS_ENABLED. */
  readonly frontendGuards: readonly Middleware<ProxyState>[];
  /** /proxy/client/streaming: readiness, then a server-side SDK token, then PROXY_STREAMS_ENABLED. */
  readonly backendGuards: readonly Middleware<ProxyState>[];
  /**
   * /api/client/streaming: readiness, then a server-side SDK token or an Unleash backend token
   * (the grant), then PROXY_STREAMS_ENABLED.
   */
  readonly apiClientGuards: readonly Middleware<ProxyState>[];
}

/** The event streams of the Unleash SDKs: "refetch" for frontend SDKs, the streaming API for backend SDKs. */
export function streamRoutes({
  push,
  frontendGuards,
  backendGuards,
  apiClientGuards,
}: StreamRoutesDeps): Router<ProxyState> {
  const router = new Router<ProxyState>();
  addRoute(router, getProxyEvents, ...frontendGuards, (ctx) => {
    push.refetchStreams.open(ctx, ALL_FLAGS_SCOPE);
  });
  // A backend token streams its own scope; a server-side SDK token, the flags /proxy serves.
  const openUnleashStream = (ctx: ProxyContext) => {
    push.unleashStreams.open(ctx, callerScopeKey(ctx.state.grant));
  };
  addRoute(router, getProxyClientStreaming, ...backendGuards, openUnleashStream);
  addRoute(router, getApiClientStreaming, ...apiClientGuards, openUnleashStream);
  return router;
}
