import { unleashRequest } from './unleash-http.js';
import { waitFor } from './wait-for.js';

export interface ClientVariant {
  name: string;
  weight: number;
  weightType?: string;
  stickiness?: string;
  payload?: { type: string; value: string };
}

export interface ClientFeatureStrategy {
  name: string;
  parameters: Record<string, string>;
  constraints?: unknown[];
  variants?: ClientVariant[];
}

export interface ClientFeature {
  name: string;
  type: string;
  enabled: boolean;
  project: string;
  strategies: ClientFeatureStrategy[];
  variants: ClientVariant[];
  impressionData: boolean;
}

export interface ClientFeaturesResponse {
  version: number;
  features: ClientFeature[];
}

export interface ClientMetricsBucket {
  start: string;
  stop: string;
  toggles: Record<string, { yes: number; no: number; variants?: Record<string, number> }>;
}

/** What a backend SDK (and so the proxy) sees: GET /api/client/features with a client token. */
export function fetchClientFeatures(
  baseUrl: string,
  clientToken: string,
): Promise<ClientFeaturesResponse> {
  return unleashRequest<ClientFeaturesResponse>(
    'GET',
    `${baseUrl}/api/client/features`,
    clientToken,
  );
}

/** Reports usage the way a backend SDK does: POST /api/client/metrics. */
export async function sendClientMetrics(
  baseUrl: string,
  clientToken: string,
  appName: string,
  bucket: ClientMetricsBucket,
): Promise<void> {
  await unleashRequest('POST', `${baseUrl}/api/client/metrics`, clientToken, {
    appName,
    instanceId: `${appName}-e2e`,
    bucket,
  });
}

/**
 * Admin changes reach the client API within about a second: Unleash caches
 * client features per revision and bumps the revision on a 1 s schedule.
 * Resolves with the feature (or undefined, if `matches` accepts its absence).
 */
export async function waitForClientFeature(
  baseUrl: string,
  clientToken: string,
  name: string,
  matches: (feature: ClientFeature | undefined) => boolean,
  timeoutMs = 10_000,
): Promise<ClientFeature | undefined> {
  const found = await waitFor(
    `client feature ${name} to match`,
    async () => {
      const { features } = await fetchClientFeatures(baseUrl, clientToken);
      const feature = features.find((candidate) => candidate.name === name);
      return matches(feature) ? { feature } : undefined;
    },
    { timeoutMs },
  );
  return found.feature;
}
