import type { RequestState } from './request.js';

/** A compiled check over one request; built once per flag update, never per request. */
export type Predicate = (state: RequestState) => boolean;

/** Marks what the compiler does not know; the flag is then evaluated by the reference evaluator. */
export const UNSUPPORTED = Symbol('unsupported');
export type Unsupported = typeof UNSUPPORTED;

export const ALWAYS: Predicate = () => true;
export const NEVER: Predicate = () => false;
