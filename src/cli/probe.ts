/** Where a probe finds the running proxy: an explicit origin, or this environment's port. */
export interface ProbeTarget {
  /** http://host:port, without the base path */
  readonly origin: string;
  readonly basePath: string;
}

const PATHS = { health: '/proxy/health', ready: '/proxy/health/ready' } as const;

/**
 * Asks a running proxy whether it is healthy (flags loaded) or ready (and recently synced),
 * for exec probes and Docker's HEALTHCHECK. Resolves to the exit code: 0 on a 200, else 1,
 * with one line saying what was seen.
 */
export async function probe(
  target: 'health' | 'ready',
  where: ProbeTarget,
  write: (line: string) => void,
): Promise<number> {
  const url = `${where.origin}${where.basePath}${PATHS[target]}`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(4_000) });
    const body = (await response.text()).slice(0, 200).replace(/\s+/g, ' ');
    write(`${url}: ${response.status} ${body}`);
    return response.status === 200 ? 0 : 1;
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    write(`${url}: no answer (${cause instanceof Error ? cause.message : String(cause)})`);
    return 1;
  }
}
