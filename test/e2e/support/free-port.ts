import { createServer } from 'node:net';

/** The only interface test servers may listen on. */
export const LOOPBACK = '127.0.0.1';

/**
 * Asks the kernel for an unused port on 127.0.0.1. Someone else may grab it
 * before our server binds it, so callers that can retry should do so.
 */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('Could not determine a free port'));
      });
    });
  });
}
