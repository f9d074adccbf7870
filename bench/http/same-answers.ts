import type { EvaluationContext } from '../../src/evaluation/types.js';
import { randomContexts } from '../../test/fixtures/contexts.js';

export interface AnswerComparison {
  readonly compared: number;
  readonly mismatches: number;
  /** The first mismatch, for the report. */
  readonly example?: string;
}

/**
 * The query of a sample context. userId, sessionId and remoteAddress are always set (not
 * empty): without a sessionId the original invents a random one, a variant whose stickiness
 * field is missing is drawn at random by both, and without a remoteAddress the original uses its
 * socket address in IPv6-mapped form, so such answers could not be compared.
 */
export function sampleQuery(context: EvaluationContext, n: number): string {
  const params = new URLSearchParams();
  params.set('userId', context.userId || `user-${n}`);
  params.set('sessionId', context.sessionId || String(500_000 + n));
  params.set('remoteAddress', context.remoteAddress || `10.9.${n % 256}.1`);
  if (context.environment !== undefined) params.set('environment', context.environment);
  if (context.appName !== undefined) params.set('appName', context.appName);
  if (context.currentTime !== undefined) {
    params.set('currentTime', context.currentTime.toISOString());
  }
  for (const [key, value] of Object.entries(context.properties)) {
    params.set(`properties[${key}]`, value);
  }
  return params.toString();
}

/** JSON with object keys sorted, so that key order does not count as a difference. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );
}

async function toggles(origin: string, query: string, key: string): Promise<unknown[]> {
  const response = await fetch(`${origin}/proxy?${query}`, { headers: { Authorization: key } });
  if (response.status !== 200) throw new Error(`${origin}: status ${response.status}`);
  const body = (await response.json()) as { toggles?: unknown };
  if (!Array.isArray(body.toggles)) throw new Error(`${origin}: no toggles in the answer`);
  return body.toggles;
}

function byName(list: unknown[]): unknown[] {
  const name = (toggle: unknown) =>
    typeof toggle === 'object' && toggle !== null && 'name' in toggle ? String(toggle.name) : '';
  return [...list].sort((a, b) => name(a).localeCompare(name(b)));
}

/** The toggles that differ, one line per side, or undefined when both lists agree. */
function describeDifference(ours: unknown[], original: unknown[]): string | undefined {
  const left = new Set(ours.map(canonical));
  const right = new Set(original.map(canonical));
  const onlyOurs = [...left].filter((toggle) => !right.has(toggle));
  const onlyOriginal = [...right].filter((toggle) => !left.has(toggle));
  if (onlyOurs.length === 0 && onlyOriginal.length === 0) return undefined;
  return `  only this proxy: ${onlyOurs.join(' ')}\n  only original:   ${onlyOriginal.join(' ')}`;
}

/** GET /proxy on both for `count` random contexts; the enabled flags and variants must agree. */
export async function compareAnswers(
  ours: string,
  original: string,
  key: string,
  count: number,
): Promise<AnswerComparison> {
  let mismatches = 0;
  let example: string | undefined;
  const contexts = randomContexts(count, 2024);
  for (const [n, context] of contexts.entries()) {
    const query = sampleQuery(context, n);
    const [a, b] = await Promise.all([toggles(ours, query, key), toggles(original, query, key)]);
    const difference = describeDifference(byName(a), byName(b));
    if (difference !== undefined) {
      mismatches += 1;
      example ??= `?${query}\n${difference}`;
    }
  }
  return { compared: contexts.length, mismatches, ...(example ? { example } : {}) };
}
