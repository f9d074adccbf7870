import type { EvaluatedToggle } from '../../evaluation/types.js';

/**
 * The compiled evaluator answers with shared, frozen result objects, a handful per flag, built
 * once per flag update. Their JSON is cached here as UTF-8 bytes the first time each is
 * written, so a response is a copy of cached bytes into one buffer rather than a
 * JSON.stringify of ~15 KB per request. Results the evaluator builds per request (fallback
 * flags, unknown names) are simply serialized each time; the WeakMap lets results of replaced
 * flags go with them.
 *
 * Bytes rather than a string: a string concatenated from 200 parts is a tree that Koa's
 * Content-Length (`Buffer.byteLength`), Node's own length check and its write of the headers
 * and body each walk or copy again; a buffer has its length, and is written as it is.
 */
const jsonOf = new WeakMap<EvaluatedToggle, Buffer>();

function toggleJson(toggle: EvaluatedToggle): Buffer {
  let json = jsonOf.get(toggle);
  if (json === undefined) {
    json = Buffer.from(JSON.stringify(toggle));
    if (Object.isFrozen(toggle)) jsonOf.set(toggle, json);
  }
  return json;
}

const OPEN = Buffer.from('{"toggles":[');
const CLOSE = Buffer.from(']}');
const COMMA = 0x2c;

/** Exactly `JSON.stringify({ toggles })` as UTF-8, leaving out disabled flags when `onlyEnabled`. */
export function togglesBody(toggles: readonly EvaluatedToggle[], onlyEnabled: boolean): Buffer {
  const parts: Buffer[] = [];
  let length = OPEN.length + CLOSE.length;
  for (let i = 0; i < toggles.length; i++) {
    const toggle = toggles[i] as EvaluatedToggle;
    if (onlyEnabled && !toggle.enabled) continue;
    const json = toggleJson(toggle);
    parts.push(json);
    length += json.length;
  }
  if (parts.length > 1) length += parts.length - 1;
  const body = Buffer.allocUnsafe(length);
  body.set(OPEN, 0);
  let at = OPEN.length;
  for (let i = 0; i < parts.length; i++) {
    if (i > 0) body[at++] = COMMA;
    const json = parts[i] as Buffer;
    body.set(json, at);
    at += json.length;
  }
  body.set(CLOSE, at);
  return body;
}
