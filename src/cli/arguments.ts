/** What the command line asks for. */
export type Command =
  | { readonly kind: 'start' }
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'probe'; readonly target: 'health' | 'ready'; readonly url?: string };

/** A command line the proxy does not understand: an error, never a start with defaults. */
export class UsageError extends Error {
  constructor(message: string) {
    super(`${message}\nRun with --help for the usage.`);
    this.name = 'UsageError';
  }
}

/** Reads the arguments after `node main.js` (process.argv.slice(2)). */
export function parseArguments(args: readonly string[]): Command {
  const [first, ...rest] = args;
  if (first === undefined) return { kind: 'start' };
  if (first === '--help' || first === '-h' || first === 'help') {
    expectNothingAfter(first, rest);
    return { kind: 'help' };
  }
  if (first === '--version' || first === '-v' || first === 'version') {
    expectNothingAfter(first, rest);
    return { kind: 'version' };
  }
  if (first === 'health' || first === 'ready') return probeCommand(first, rest);
  if (first === 'start') {
    expectNothingAfter(first, rest);
    return { kind: 'start' };
  }
  throw new UsageError(`Unknown ${first.startsWith('-') ? 'option' : 'command'}: ${first}`);
}

function probeCommand(target: 'health' | 'ready', rest: readonly string[]): Command {
  if (rest.length === 0) return { kind: 'probe', target };
  const [flag, value, ...more] = rest;
  const inline = flag?.startsWith('--url=') ? flag.slice('--url='.length) : undefined;
  const url = inline ?? (flag === '--url' ? value : undefined);
  const extra = inline === undefined ? more : [value, ...more].filter((v) => v !== undefined);
  if (url === undefined || url === '') {
    throw new UsageError(
      `Unknown argument to ${target}: ${flag} (only --url <origin> is accepted)`,
    );
  }
  if (!/^https?:\/\/[^\s]+$/.test(url)) {
    throw new UsageError(
      `${target} --url: expected http(s)://host:port, got ${JSON.stringify(url)}`,
    );
  }
  expectNothingAfter(`${target} --url`, extra);
  return { kind: 'probe', target, url: url.replace(/\/+$/, '') };
}

function expectNothingAfter(what: string, rest: readonly (string | undefined)[]): void {
  const [extra] = rest;
  if (extra !== undefined) throw new UsageError(`Unexpected argument after ${what}: ${extra}`);
}
