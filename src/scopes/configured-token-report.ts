import type { Logger } from '../logger.js';
import { type Scope, scopeLabel } from './scope.js';
import type { Resolution } from './token-resolver.js';

/** Why Unleash did not confirm a configured backend token. */
export type ConfiguredTokenProblem =
  /** Unleash answered, and not with a backend token: absent, another kind, or refused. */
  | { readonly kind: 'not-confirmed'; readonly reason: string }
  /** `/edge/validate` answered 404: an Unleash older than token validation. */
  | { readonly kind: 'no-validation' };

export interface ConfiguredToken {
  /** The first configured token: the one /proxy serves, whatever Unleash says of it. */
  readonly primary: boolean;
  /** What the token string claims, when it has the `projects:environment.secret` form. */
  readonly scope: Scope | undefined;
}

const NO_VALIDATION =
  'Unleash has no token validation (/edge/validate answered 404, an Unleash older than Edge support)';
const CLAIMED =
  'the token APIs serve its scope as the token string claims it, to PRETRUSTED_TOKENS only (tokens callers present cannot be validated either)';
const UNCLAIMED =
  '/api/frontend, /api/client and OFREP cannot use it: Unleash could not tell its environment';

/**
 * Says precisely what is and is not served when Unleash does not confirm a configured token:
 * an ERROR when Unleash says the token is not a backend token it knows, a WARN when it cannot
 * tell (no validation endpoint). The primary token keeps its sync either way: /proxy serves
 * its flags for as long as Unleash answers its fetches, as the original proxy did.
 */
export function reportConfiguredToken(
  logger: Logger,
  token: ConfiguredToken,
  problem: ConfiguredTokenProblem,
): void {
  const fields = { scope: token.scope ? scopeLabel(token.scope) : '[]' };
  if (problem.kind === 'not-confirmed') {
    logger.error(
      { ...fields, reason: problem.reason },
      token.primary
        ? 'Unleash does not confirm the first configured token as a backend token: /proxy keeps polling with it and serves what Unleash answers, but /api/frontend, /api/client and OFREP do not serve its scope'
        : 'Unleash does not confirm a configured token as a backend token; its scope is not served',
    );
    return;
  }
  const served = token.scope === undefined ? UNCLAIMED : CLAIMED;
  logger.warn(
    fields,
    token.primary
      ? `${NO_VALIDATION}: /proxy serves the first configured token's flags; ${served}`
      : `${NO_VALIDATION}: a configured token keeps its sync; ${served}`,
  );
}

/** Whether Unleash's answer about a configured token is a problem the log must tell. */
export function configuredTokenProblem(resolution: Resolution): ConfiguredTokenProblem | undefined {
  if (resolution.status === 'invalid') {
    return { kind: 'not-confirmed', reason: "absent from /edge/validate's answer" };
  }
  if (resolution.status === 'valid') {
    return resolution.token.kind === 'backend'
      ? undefined
      : { kind: 'not-confirmed', reason: `a token of kind ${resolution.token.kind}` };
  }
  const status = resolution.upstreamStatus;
  if (status === 404) return { kind: 'no-validation' };
  if (status === 401 || status === 403) {
    return { kind: 'not-confirmed', reason: `/edge/validate answered ${status}` };
  }
  return undefined;
}
