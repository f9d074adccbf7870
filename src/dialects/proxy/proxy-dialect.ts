import { parseProxyRequestBody, parseQueryContext } from '../../context/build-context.js';
import type { EvaluatedToggle } from '../../evaluation/types.js';
import { readJsonBody } from '../../http/json-body.js';
import type { ProxyContext } from '../../http/state.js';
import type { EvaluationEndpoint, FlagSelection, RequestReader } from '../evaluation-endpoint.js';
import { togglesBody } from './toggles-json.js';

/** The original Unleash Proxy's API: `{ toggles: [...] }` for GET/POST /proxy and /proxy/all. */
export interface ProxySelection extends FlagSelection {
  /** Leave out the flags that are not enabled. */
  readonly onlyEnabled: boolean;
}

/** `/proxy` answers the enabled flags, `/proxy/all` every flag; that is all that tells them apart. */
export const ENABLED_FLAGS: ProxySelection = Object.freeze({ onlyEnabled: true });
export const ALL_FLAGS: ProxySelection = Object.freeze({ onlyEnabled: false });

export const PROXY_CACHE_CONTROL = 'public, max-age=2';

export interface ProxyReaderLimits {
  readonly queryParameterLimit: number;
  readonly bodyLimitBytes: number;
}

/** GET: the context from the query string (see `parseQueryContext`). */
export function queryReader(
  selection: ProxySelection,
  { queryParameterLimit }: ProxyReaderLimits,
): RequestReader<ProxySelection> {
  return (ctx) => ({
    context: parseQueryContext(ctx.querystring, queryParameterLimit),
    selection,
  });
}

/**
 * POST: `{ context?, toggles? }`. Naming flags in `toggles` answers exactly those, enabled or
 * not, on either route, as the original did.
 */
export function bodyReader(
  selection: ProxySelection,
  { bodyLimitBytes }: ProxyReaderLimits,
): RequestReader<ProxySelection> {
  return async (ctx) => {
    const { context, toggles } = parseProxyRequestBody(await readJsonBody(ctx, bodyLimitBytes));
    return {
      context,
      selection: toggles ? { names: toggles, onlyEnabled: false } : selection,
    };
  };
}

/** Exactly `JSON.stringify({ toggles })`, disabled flags left out when the selection says so. */
export function renderToggles(
  toggles: readonly EvaluatedToggle[],
  selection: ProxySelection,
): Buffer {
  return togglesBody(toggles, selection.onlyEnabled);
}

/** GET reads the query string and nothing else: it names what `queryReader` reads. */
export const queryKey = (ctx: ProxyContext): string => ctx.querystring;

/** One endpoint of the /proxy dialect: its selection, and where the context comes from. */
export function proxyEndpoint(
  selection: ProxySelection,
  source: 'query' | 'body',
  limits: ProxyReaderLimits,
): EvaluationEndpoint<ProxySelection> {
  return source === 'query'
    ? {
        read: queryReader(selection, limits),
        readKey: queryKey,
        render: renderToggles,
        cacheControl: PROXY_CACHE_CONTROL,
      }
    : {
        read: bodyReader(selection, limits),
        render: renderToggles,
        cacheControl: PROXY_CACHE_CONTROL,
      };
}
