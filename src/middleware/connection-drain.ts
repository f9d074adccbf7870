import type { RequestHooks } from './request-hooks.js';

/**
 * Lets a shutdown finish as soon as the requests in flight are answered. `server.close()` only
 * closes connections that are idle at that moment; a keep-alive connection whose request was
 * still running stays open for the keep-alive timeout after its answer. Once draining, every
 * answer says `Connection: close`, so Node ends the connection right after it.
 */
export class ConnectionDrain {
  private draining = false;

  start(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** The outermost hooks: the header is set once the answer is settled. */
  hooks(): RequestHooks {
    return {
      finish: (ctx) => {
        if (this.draining) ctx.set('Connection', 'close');
      },
    };
  }
}
