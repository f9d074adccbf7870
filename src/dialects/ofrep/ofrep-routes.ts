import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { ProxyContext, ProxyState } from '../../http/state.js';
import type { Push } from '../../push/create-push.js';
import { addRoute } from '../../routing/define-route.js';
import { callerScopeKey } from '../../scopes/scope.js';
import { type EvaluationPipeline, evaluationHandler } from '../evaluation-endpoint.js';
import {
  evaluateOfrepFlag,
  evaluateOfrepFlags,
  ofrepErrorFields,
  ofrepEvents,
} from './ofrep-definitions.js';
import {
  type OfrepDialectSettings,
  ofrepBulkEndpoint,
  ofrepFlagEndpoint,
} from './ofrep-dialect.js';

export interface OfrepRoutesDeps {
  readonly settings: OfrepDialectSettings;
  readonly pipeline: EvaluationPipeline;
  /** Readiness, rate limits and the OFREP credential (Bearer, bare Authorization, X-API-Key). */
  readonly guards: readonly Middleware<ProxyState>[];
  readonly push: Push;
  /**
   * Readiness, then the stream credential (a client key's stream token, or a frontend token, in
   * the URL or the headers), then PROXY_STREAMS_ENABLED.
   */
  readonly streamGuards: readonly Middleware<ProxyState>[];
}

/** Errors on OFREP routes carry OFREP's `errorCode` and `errorDetails` (and the flag's key). */
function ofrepErrors(keyOf: (ctx: ProxyContext) => string | undefined): Middleware<ProxyState> {
  return async (ctx, next) => {
    ctx.state.errorFields = (error) => ofrepErrorFields(error, keyOf(ctx));
    await next();
  };
}

/** OFREP: one flag, every flag, and the event stream bulk answers advertise. */
export function ofrepRoutes({
  settings,
  pipeline,
  guards,
  push,
  streamGuards,
}: OfrepRoutesDeps): Router<ProxyState> {
  const router = new Router<ProxyState>();
  addRoute(
    router,
    evaluateOfrepFlag,
    ofrepErrors((ctx) => ctx.params.key),
    ...guards,
    evaluationHandler(ofrepFlagEndpoint(settings), pipeline),
  );
  addRoute(
    router,
    evaluateOfrepFlags,
    ofrepErrors(() => undefined),
    ...guards,
    evaluationHandler(ofrepBulkEndpoint(settings), pipeline),
  );
  addRoute(
    router,
    ofrepEvents,
    ofrepErrors(() => undefined),
    ...streamGuards,
    (ctx) => {
      push.refetchStreams.open(ctx, callerScopeKey(ctx.state.grant));
    },
  );
  return router;
}
