import { createRequire } from 'node:module';
import zlib from 'node:zlib';

/** Bodies below this many bytes are sent as they are (koa-compress's default threshold). */
export const COMPRESSION_THRESHOLD_BYTES = 1024;

/** Brotli at quality 1 rather than 4: see middleware/compression.ts for the measurements. */
export const BROTLI_OPTIONS: zlib.BrotliOptions = {
  params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 },
};

export type Encoding = 'zstd' | 'br' | 'gzip' | 'deflate';

/** zstd where this Node has it (22.15+), as koa-compress offers it. */
const zstdCompressSync = (zlib as { zstdCompressSync?: (body: string) => Buffer }).zstdCompressSync;

const compressors: Readonly<Record<Encoding, ((body: string) => Buffer) | undefined>> = {
  zstd: zstdCompressSync,
  br: (body) => zlib.brotliCompressSync(body, BROTLI_OPTIONS),
  gzip: (body) => zlib.gzipSync(body),
  deflate: (body) => zlib.deflateSync(body),
};

/** koa-compress's order of preference, limited to what this Node can do. */
const PREFERENCE = ['zstd', 'br', 'gzip', 'deflate', 'identity'] as const;
const AVAILABLE = PREFERENCE.filter(
  (encoding) => encoding === 'identity' || compressors[encoding] !== undefined,
);

interface NegotiatorInstance {
  encoding(available: readonly string[], options: { preferred: readonly string[] }): string;
}
type NegotiatorConstructor = new (request: {
  headers: Record<string, string>;
}) => NegotiatorInstance;
// The negotiator koa-compress itself uses, so that both pick the same encoding.
const Negotiator = createRequire(import.meta.url)('negotiator') as NegotiatorConstructor;

/**
 * The encoding koa-compress would answer with for this Accept-Encoding, undefined for none:
 * `*` means gzip, an absent or empty header means identity.
 */
export function encodingFor(acceptEncoding: string): Encoding | undefined {
  if (acceptEncoding === '') return undefined;
  const known = chosenEncodings.get(acceptEncoding);
  if (known !== undefined) return known ?? undefined;
  const chosen = negotiate(acceptEncoding);
  // Browsers send one of a handful of values, on every request: negotiate each once.
  if (chosenEncodings.size >= ENCODING_MEMO_SIZE) chosenEncodings.clear();
  chosenEncodings.set(acceptEncoding, chosen ?? null);
  return chosen;
}

/** Distinct Accept-Encoding values whose choice is kept; past this the memo starts afresh. */
const ENCODING_MEMO_SIZE = 256;
/** Accept-Encoding value -> encoding, null for none. */
const chosenEncodings = new Map<string, Encoding | null>();

function negotiate(acceptEncoding: string): Encoding | undefined {
  const header = acceptEncoding === '*' ? 'gzip' : acceptEncoding;
  const chosen = new Negotiator({ headers: { 'accept-encoding': header } }).encoding(AVAILABLE, {
    preferred: PREFERENCE,
  });
  return chosen === 'identity' || !(chosen in compressors) ? undefined : (chosen as Encoding);
}
