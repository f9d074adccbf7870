import type { OptionName, ParsedOptions } from './options.js';

/** Fills options left unset from the names Unleash Edge reads, converted to this proxy's units. */
export function withEdgeNames(
  values: ParsedOptions,
  given: ReadonlySet<OptionName>,
): ParsedOptions {
  const filled: { -readonly [K in OptionName]?: ParsedOptions[K] } = {};
  if (!given.has('unleashUrl') && values.edgeUpstreamUrl !== undefined) {
    filled.unleashUrl = `${values.edgeUpstreamUrl.replace(/\/+$/, '')}/api`;
  }
  if (!given.has('refreshInterval') && values.edgeFeaturesRefreshIntervalSeconds !== undefined) {
    filled.refreshInterval = values.edgeFeaturesRefreshIntervalSeconds * 1000;
  }
  if (!given.has('metricsInterval') && values.edgeMetricsIntervalSeconds !== undefined) {
    filled.metricsInterval = values.edgeMetricsIntervalSeconds * 1000;
  }
  if (!given.has('unleashTimeoutMs') && values.edgeUpstreamRequestTimeoutSeconds !== undefined) {
    filled.unleashTimeoutMs = Math.max(1000, values.edgeUpstreamRequestTimeoutSeconds * 1000);
  }
  if (!given.has('enableAllEndpoint') && values.edgeDisableAllEndpoint !== undefined) {
    filled.enableAllEndpoint = !values.edgeDisableAllEndpoint;
  }
  if (!given.has('httpRejectUnauthorized') && values.edgeSkipSslVerification !== undefined) {
    filled.httpRejectUnauthorized = !values.edgeSkipSslVerification;
  }
  if (!given.has('jsonLogger') && values.edgeLogFormat !== undefined) {
    filled.jsonLogger = values.edgeLogFormat === 'json';
  }
  return { ...values, ...filled };
}
