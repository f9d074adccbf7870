import { describe, expect, it } from 'vitest';
import { ensureRedisServer, REDIS_SERVER_MISSING } from '../../helpers/ensure-redis-server.js';

describe('the test setup and redis-server', () => {
  it('installs redis-server when it is missing, as CI does', () => {
    let present = false;
    ensureRedisServer({
      installed: () => present,
      install: () => {
        present = true;
        return true;
      },
    });
    expect(present).toBe(true);
  });

  it('fails saying how to get it when it cannot be installed, instead of skipping tests', () => {
    expect(() => ensureRedisServer({ installed: () => false, install: () => false })).toThrow(
      REDIS_SERVER_MISSING,
    );
    expect(REDIS_SERVER_MISSING).toContain('apt-get install redis-server');
  });
});
