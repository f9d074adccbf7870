import { InMemStorageProvider, Unleash } from 'unleash-client';

export interface StreamingSdkOptions {
  /** The SDK's `url`: the proxy's `/api` or `/proxy`, where it opens `client/streaming`. */
  readonly url: string;
  /** Sent as Authorization: an Unleash backend token or a server-side SDK token. */
  readonly token: string;
  readonly appName: string;
  /**
   * The SDK's polling interval, used when it falls back to polling. An hour by default: a change
   * that reaches the SDK within a test came through the stream.
   */
  readonly refreshInterval?: number;
}

/**
 * The real Node unleash-client in streaming mode (`experimentalMode: { type: 'streaming' }`),
 * with no metrics and nothing on disk. Its errors are left to the assertions (a stream refused
 * with 429 is one, on purpose, in some tests).
 */
export function streamingSdk({
  url,
  token,
  appName,
  refreshInterval = 3_600_000,
}: StreamingSdkOptions): Unleash {
  const sdk = new Unleash({
    url,
    appName,
    customHeaders: { Authorization: token },
    experimentalMode: { type: 'streaming' },
    refreshInterval,
    disableMetrics: true,
    storageProvider: new InMemStorageProvider(),
  });
  sdk.on('error', () => {});
  return sdk;
}
