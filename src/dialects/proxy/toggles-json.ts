import type { EvaluatedToggle } from '../../evaluation/types.js';

/**
 * The compiled evaluator answers with shared, frozen result objects, a handful per flag, built
 * once per flag update. Their JSON is cached here the first time each is written, so a response
 * is a concatenation of cached strings rather than a JSON.stringify of ~15 KB per request. Results
 * the evaluator builds per request (fallback flags, unknown names) are simply serialized each
 * time; the WeakMap lets results of replaced flags go with them.
 */
const jsonOf = new WeakMap<EvaluatedToggle, string>();

function toggleJson(toggle: EvaluatedToggle): string {
  let json = jsonOf.get(toggle);
  if (json === undefined) {
    json = JSON.stringify(toggle);
    if (Object.isFrozen(toggle)) jsonOf.set(toggle, json);
  }
  return json;
}

/** Exactly `JSON.stringify({ toggles })`, leaving out disabled flags when `onlyEnabled`. */
export function togglesBody(toggles: readonly EvaluatedToggle[], onlyEnabled: boolean): string {
  let body = '{"toggles":[';
  let first = true;
  for (let i = 0; i < toggles.length; i++) {
    const toggle = toggles[i] as EvaluatedToggle;
    if (onlyEnabled && !toggle.enabled) continue;
    body += first ? toggleJson(toggle) : `,${toggleJson(toggle)}`;
    first = false;
  }
  return `${body}]}`;
}
