import { readJsonBody } from '../../http/json-body.js';
import type { ProxyContext } from '../../http/state.js';
import type { FlagChangeNotifier } from '../../push/flag-change-notifier.js';
import type { EvaluationEndpoint, FlagSelection, FlagSetResolver } from '../evaluation-endpoint.js';
import { flagShapes } from './flag-shapes.js';
import { type MappingOptions, type OfrepEvaluation, toOfrepEvaluation } from './map-evaluation.js';
import { FlagNotFoundError, FlagPayloadError } from './ofrep-errors.js';
import type { OfrepStreamLinks } from './ofrep-stream-link.js';
import { readOfrepContext } from './read-request.js';

/** How long a refetch announced with a newer `flagConfigEtag` waits for those flags here. */
const FLAG_CONFIG_WAIT_MS = 2_000;
/** Seconds of a hidden tab after which the web provider closes its stream (ADR 0008's default). */
const INACTIVITY_DELAY_SEC = 120;

export interface OfrepSelection extends FlagSelection {
  /** The single-flag route: this key. */
  readonly key?: string;
  /** Bulk answers: the event stream to advertise (path and stream token), when streams are served. */
  readonly eventStreamUri?: string;
}

export interface OfrepDialectSettings {
  readonly bodyLimitBytes: number;
  readonly mapping: MappingOptions;
  readonly notifier: FlagChangeNotifier;
  readonly flagSetOf: FlagSetResolver;
  /** Present when event streams are served: the stream a bulk answer advertises to its caller. */
  readonly streams: OfrepStreamLinks | undefined;
}

async function readContext(ctx: ProxyContext, bodyLimitBytes: number) {
  return readOfrepContext(await readJsonBody(ctx, bodyLimitBytes));
}

/** POST /ofrep/v1/evaluate/flags/{key}: one flag, 404 FLAG_NOT_FOUND for an unknown key. */
export function ofrepFlagEndpoint({
  bodyLimitBytes,
  mapping,
  flagSetOf,
}: OfrepDialectSettings): EvaluationEndpoint<OfrepSelection> {
  return {
    read: async (ctx) => {
      const key = ctx.params.key ?? '';
      const context = await readContext(ctx, bodyLimitBytes);
      const flagSet = flagSetOf(ctx);
      if (flagSet !== undefined && !flagShapes(flagSet.snapshot).has(key)) {
        throw new FlagNotFoundError(key);
      }
      return { context, selection: { names: [key], key } };
    },
    render: ([toggle], { key = '' }, flagSet) => {
      const shape = flagShapes(flagSet.snapshot).get(key);
      if (shape === undefined || toggle === undefined) throw new FlagNotFoundError(key);
      const result = toOfrepEvaluation(shape, toggle, mapping);
      if ('errorCode' in result) throw new FlagPayloadError(key, result.errorDetails);
      return JSON.stringify(result);
    },
    cacheControl: 'no-store',
  };
}

/**
 * POST /ofrep/v1/evaluate/flags: every flag the caller may see, with the event stream to
 * listen to. A `flagConfigEtag` from a `refetchEvaluation` event that names newer flags than
 * this instance has waits for them (bounded): a fleet peer may have announced them first.
 */
export function ofrepBulkEndpoint({
  bodyLimitBytes,
  mapping,
  notifier,
  streams,
}: OfrepDialectSettings): EvaluationEndpoint<OfrepSelection> {
  return {
    read: async (ctx) => {
      const context = await readContext(ctx, bodyLimitBytes);
      if (streams === undefined) return { context, selection: {} };
      const link = streams(ctx);
      const wanted = ctx.query.flagConfigEtag;
      if (typeof wanted === 'string' && wanted !== '') {
        await notifier.waitForEtag(link.scope, wanted, FLAG_CONFIG_WAIT_MS);
      }
      return { context, selection: { eventStreamUri: link.uri } };
    },
    render: (toggles, { eventStreamUri }, flagSet) => {
      const shapes = flagShapes(flagSet.snapshot);
      const flags: OfrepEvaluation[] = [];
      for (const toggle of toggles) {
        const shape = shapes.get(toggle.name);
        if (shape !== undefined) flags.push(toOfrepEvaluation(shape, toggle, mapping));
      }
      if (eventStreamUri === undefined) return JSON.stringify({ flags });
      const eventStreams = [
        {
          type: 'sse',
          endpoint: { requestUri: eventStreamUri },
          inactivityDelaySec: INACTIVITY_DELAY_SEC,
        },
      ];
      return JSON.stringify({ flags, eventStreams });
    },
    cacheControl: 'private, no-cache',
  };
}
