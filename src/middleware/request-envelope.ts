import type { Middleware } from 'koa';
import type { ProxyState } from '../http/state.js';
import { answerError, answerUnanswered } from './error-handler.js';
import type { RequestHooks } from './request-hooks.js';

/**
 * The outermost part of the pipeline as one middleware: the hooks' `start` in order, the rest
 * of the pipeline inside the error handler (every error leaves as the one JSON shape, nothing
 * answered is a 404), then the hooks' `finish` in reverse order, whatever happened, so that
 * the outermost concern finishes last, as nested middleware would.
 */
export function requestEnvelope(hooks: readonly RequestHooks[]): Middleware<ProxyState> {
  const starts = hooks.flatMap((hook) => (hook.start ? [hook.start] : []));
  const finishes = hooks.flatMap((hook) => (hook.finish ? [hook.finish] : [])).reverse();
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    for (const start of starts) start(ctx);
    try {
      await next();
      answerUnanswered(ctx);
    } catch (error) {
      answerError(ctx, error);
    } finally {
      for (const finish of finishes) finish(ctx, started);
    }
  };
}
