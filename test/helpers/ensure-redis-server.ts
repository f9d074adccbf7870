export interface RedisServerProbe {
  /** Whether redis-server runs (`redis-server --version`). */
  installed: () => boolean;
  /** Installs it as CI does (.ci/redis-setup.sh); whether that worked. */
  install: () => boolean;
}

export const REDIS_SERVER_MISSING =
  'redis-server is required by the Redis fleet tests and could not be installed. Install it ' +
  '(Debian/Ubuntu: sudo apt-get install redis-server, or bash .ci/redis-setup.sh; macOS: brew ' +
  'install redis) and run npm test again.';

/** Makes sure redis-server is on the PATH, installing it if it can; throws saying how if not. */
export function ensureRedisServer(probe: RedisServerProbe): void {
  if (probe.installed()) return;
  if (probe.install() && probe.installed()) return;
  throw new Error(REDIS_SERVER_MISSING);
}
