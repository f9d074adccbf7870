import type { EventEmitter } from 'node:events';
import {
  type BootstrapOptions,
  type BootstrapProvider,
  resolveBootstrapProvider,
} from 'unleash-client/lib/repository/bootstrap-provider.js';
import type { ProxyConfig } from '../config/load-config.js';
import type { FetchOutcome } from './flag-store.js';

export interface FetchObserver {
  /** The bootstrap options to give the SDK: the same source, wrapped to be recognizable. */
  bootstrap: BootstrapOptions | undefined;
  /** Starts reporting outcomes from the SDK's events. */
  attach(unleash: EventEmitter): void;
}

/**
 * Turns unleash-client's events into one outcome per poll of Unleash, without reaching into
 * its internals: 'unchanged' is a 304, 'changed' a 200 with flags, and 'error' or 'warn'
 * (HTTP error statuses, network errors, unusable bodies) a failure. The SDK's own metrics are
 * off, so no warning comes from them.
 *
 * The SDK also emits 'changed' when it loads a bootstrap, which is not a sync with Unleash.
 * The bootstrap provider is wrapped so that the 'changed' it causes, emitted in the same
 * turn of the event loop as the bootstrap read resolves, is recognized and left out.
 */
export function observeFetches(
  bootstrapOptions: BootstrapOptions | undefined,
  config: ProxyConfig,
  report: (outcome: FetchOutcome) => void,
): FetchObserver {
  let bootstrapDelivering = false;
  let bootstrap: BootstrapOptions | undefined;
  if (bootstrapOptions !== undefined) {
    const inner = resolveBootstrapProvider(
      bootstrapOptions,
      config.unleashAppName,
      config.unleashInstanceId,
    );
    const provider: BootstrapProvider = {
      async readBootstrap() {
        const content = await inner.readBootstrap();
        bootstrapDelivering = true;
        setImmediate(() => {
          bootstrapDelivering = false;
        });
        return content;
      },
    };
    bootstrap = { bootstrapProvider: provider };
  }

  return {
    bootstrap,
    attach(unleash) {
      unleash.on('changed', () => {
        if (!bootstrapDelivering) report('changed');
      });
      unleash.on('unchanged', () => report('unchanged'));
      unleash.on('error', () => report('failed'));
      unleash.on('warn', () => report('failed'));
    },
  };
}
