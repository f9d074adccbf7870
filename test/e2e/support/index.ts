export { launchChromium } from './chromium.js';
export { findFreePort, LOOPBACK } from './free-port.js';
export { testResultsDir } from './paths.js';
export { type PostgresInstance, startPostgres } from './postgres.js';
export { type SdkPage, type SdkPageOptions, startSdkPage } from './sdk-page.js';
export * from './unleash-admin.js';
export * from './unleash-client-api.js';
export { UnleashHttpError } from './unleash-http.js';
export * from './unleash-scopes.js';
export {
  startUnleashServer,
  UNLEASH_ENVIRONMENT,
  UNLEASH_PROJECT,
  type UnleashServer,
  type UnleashServerOptions,
} from './unleash-server.js';
export { waitFor } from './wait-for.js';
