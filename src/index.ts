// The public API of the package: what a program embedding the proxy may rely on.
export { type CreateAppOptions, createApp, DEMO_CLIENT_KEY, type ProxyApp } from './app.js';
export { type Env, loadConfig, type ProxyConfig, type ProxyOptions } from './config/load-config.js';
export { OPTIONS } from './config/options.js';
export type { TrustProxy } from './config/trust-proxy.js';
export { createProxy } from './create-proxy.js';
export { AppError, ConfigError } from './errors.js';
export type { EvaluatedToggle, EvaluationContext, ToggleVariant } from './evaluation/types.js';
export type { StrategyLike } from './plugins/guard-strategy.js';
export type { ContextEnricher, RequestView } from './plugins/types.js';
export { Strategy } from './unleash/types.js';
