import { OPTIONS, type OptionName, type ParsedOptions } from './options.js';

export type ProxyMode = 'online' | 'offline' | 'demo';

/**
 * Settings that only make sense against an Unleash server: with any of them and no UNLEASH_URL
 * (a typo in its name, say), serving the demo flags to production keys would fail open.
 */
const MEANT_FOR_UNLEASH: readonly OptionName[] = [
  'unleashApiToken',
  'clientKeys',
  'proxySecrets',
  'bootstrapUrl',
  'bootstrapAuthorization',
  'bootstrapFile',
  'bootstrapFiles',
  'unleashApiTokens',
  'pretrustedTokens',
];

function isSet(value: unknown): boolean {
  return value !== undefined && !(Array.isArray(value) && value.length === 0);
}

/**
 * The mode asked for, or the one implied: online with UNLEASH_URL, the demo on a machine where
 * nothing at all is configured, and otherwise a problem naming UNLEASH_URL.
 */
export function resolveMode(
  values: ParsedOptions,
  rejected: ReadonlySet<OptionName>,
  problems: string[],
): ProxyMode {
  // A malformed UNLEASH_URL is already a problem; requirements that follow from it are noise.
  if (rejected.has('unleashUrl') || rejected.has('edgeUpstreamUrl')) {
    return values.proxyMode ?? 'online';
  }
  const hasUrl = values.unleashUrl !== undefined;
  const asked = values.proxyMode;
  if (asked === undefined) {
    if (hasUrl) return 'online';
    const configured = MEANT_FOR_UNLEASH.filter((name) => isSet(values[name]));
    if (configured.length > 0) {
      const names = configured.map((name) => OPTIONS[name].env[0]).join(', ');
      problems.push(
        `UNLEASH_URL is not set, but ${names} ${configured.length === 1 ? 'is' : 'are'}: set UNLEASH_URL to sync with Unleash, or PROXY_MODE=offline to serve UNLEASH_BOOTSTRAP_FILE without Unleash (PROXY_MODE=demo: the bundled example flags)`,
      );
    }
    return 'demo';
  }
  if (asked === 'online' && !hasUrl) {
    problems.push('UNLEASH_URL is required with PROXY_MODE=online');
  }
  if (asked !== 'online' && hasUrl) {
    problems.push(`UNLEASH_URL is set, but PROXY_MODE=${asked} does not use Unleash`);
  }
  if (asked === 'offline' && values.bootstrapFile === undefined && !rejected.has('bootstrapFile')) {
    problems.push('UNLEASH_BOOTSTRAP_FILE is required with PROXY_MODE=offline');
  }
  if (asked === 'demo' && values.bootstrapFile !== undefined) {
    problems.push(
      'UNLEASH_BOOTSTRAP_FILE is set, but PROXY_MODE=demo serves the bundled example flags (PROXY_MODE=offline serves a file)',
    );
  }
  return asked;
}
