import { it } from 'vitest';

/**
 * POST /proxy/client/metrics is issue 5, built in another branch. Until it is merged the tests
 * that need it run as expected failures; once it is merged they start "passing unexpectedly",
 * which fails the suite, and this switch must be set to false.
 */
export const METRICS_ROUTE_PENDING = false;

/** `it` for tests of the metrics route: an expected failure while it is pending. */
export function itNeedsMetricsRoute(name: string, test: () => Promise<void>): void {
  (METRICS_ROUTE_PENDING ? it.fails : it)(name, test);
}
