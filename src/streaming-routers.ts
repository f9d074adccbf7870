import type Router from '@koa/router';
import type { ProxyConfig } from './config/load-config.js';
import type { EvaluationPipeline } from './dialects/evaluation-endpoint.js';
import { frontendStreamRoutes } from './dialects/frontend/frontend-stream-routes.js';
import { ofrepRoutes } from './dialects/ofrep/ofrep-routes.js';
import { ofrepStreamLinks } from './dialects/ofrep/ofrep-stream-link.js';
import type { LiveFlags } from './evaluation/live-flags.js';
import type { ProxyState } from './http/state.js';
import type { ProxyMetrics } from './metrics/prometheus.js';
import type { CredentialChecker } from './middleware/client-key-auth.js';
import { countEnvironment } from './middleware/environment-metrics.js';
import { presentedOfrepCredential, requireOfrepCredential } from './middleware/ofrep-auth.js';
import type { RateLimitGuards } from './middleware/rate-limit.js';
import { requireReady } from './middleware/readiness.js';
import { requireServerToken, requireServerTokenOr } from './middleware/sdk-auth.js';
import {
  frontendStreamToken,
  ofrepStreamToken,
  requireOfrepStreamCredential,
  requireStreamCredential,
  requireStreamsEnabled,
  StreamTokens,
} from './middleware/stream-auth.js';
import { requireUnleashToken, unleashTokenId } from './middleware/unleash-token-auth.js';
import type { Push } from './push/create-push.js';
import type { FlagChangeNotifier } from './push/flag-change-notifier.js';
import { streamRoutes } from './routes/stream-routes.js';
import type { TokenAccess } from './scopes/index.js';

/**
 * OFREP (its evaluations and its event stream) and the event streams of the Unleash SDKs.
 * OFREP takes its key as Bearer, bare Authorization or X-API-Key; a browser's stream takes it
 * in the URL: a token derived from a client key, or the frontend token itself (public by design).
 */
export function streamingRouters(parts: {
  config: ProxyConfig;
  rateLimits: RateLimitGuards;
  flags: LiveFlags;
  checker: CredentialChecker;
  clientKeys: readonly string[];
  notifier: FlagChangeNotifier;
  /** Grant-aware (client keys read the default flag set, frontend tokens their scope's). */
  pipeline: EvaluationPipeline;
  push: Push;
  unleashTokens: {
    access: TokenAccess;
    metrics: ProxyMetrics;
    /** Tells of tokens Unleash revoked: their open streams end. */
    onRevoked: (listener: (token: { readonly secret: string }) => void) => void;
  };
}): Router<ProxyState>[] {
  const { config, flags, checker, push, rateLimits } = parts;
  const streamTokens = new StreamTokens(checker, parts.clientKeys);
  parts.unleashTokens.onRevoked((token) => push.endStreamsOf(unleashTokenId(token.secret)));
  // 503 not ready, then 401 no valid credential, then 501 disabled, as on every API route.
  const streamsEnabled = requireStreamsEnabled(config.streamsEnabled);
  const frontendGuards = [
    requireReady(flags),
    requireStreamCredential(streamTokens, config.clientKeysHeaderName),
    streamsEnabled,
  ];
  return [
    ofrepRoutes({
      settings: {
        bodyLimitBytes: config.bodyLimitBytes,
        mapping: { alwaysSendValue: config.ofrepAlwaysSendValue },
        notifier: parts.notifier,
        flagSetOf: parts.pipeline.flagSetOf,
        streams: config.streamsEnabled
          ? ofrepStreamLinks(streamTokens, `${config.proxyBasePath}/ofrep/v1/events`)
          : undefined,
      },
      pipeline: parts.pipeline,
      guards: [
        requireReady(flags),
        ...rateLimits.beforeAuth,
        requireOfrepCredential(
          checker,
          // The frontend API's own guard, reading the OFREP forms (X-API-Key too).
          requireUnleashToken(parts.unleashTokens.access, 'frontend', (ctx) =>
            presentedOfrepCredential((name) => ctx.get(name)),
          ),
        ),
        ...rateLimits.afterAuth,
        countEnvironment(parts.unleashTokens.metrics, 'frontend'), // token callers only
      ],
      push,
      streamGuards: [
        requireReady(flags),
        requireOfrepStreamCredential(
          streamTokens,
          config.clientKeysHeaderName,
          requireUnleashToken(parts.unleashTokens.access, 'frontend', ofrepStreamToken),
        ),
        streamsEnabled,
      ],
    }),
    // Frontend tokens, in the URL or Authorization, as the frontend API checks them.
    frontendStreamRoutes(push, [
      requireReady(flags),
      ...rateLimits.beforeAuth,
      requireUnleashToken(parts.unleashTokens.access, 'frontend', frontendStreamToken),
      ...rateLimits.afterAuth,
      streamsEnabled,
    ]),
    streamRoutes({
      push,
      frontendGuards,
      backendGuards: [
        requireReady(flags),
        requireServerToken(checker, config.clientKeysHeaderName),
        streamsEnabled,
      ],
      // As /api/client/features: Unleash backend tokens (their scope's flags), and the
      // server-side SDK tokens this route took before them.
      apiClientGuards: [
        requireReady(flags),
        requireServerTokenOr(
          checker,
          config.clientKeysHeaderName,
          requireUnleashToken(parts.unleashTokens.access, 'backend'),
        ),
        countEnvironment(parts.unleashTokens.metrics, 'backend'), // token callers only
        streamsEnabled,
      ],
    }),
  ];
}
