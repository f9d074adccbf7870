import { OPTIONS, type OptionSpec } from '../config/options.js';

const USAGE = `Usage: unleash-koa-proxy [command]

A drop-in replacement for the Unleash Proxy. Configured by environment variables only.

Commands:
  (none), start     start the proxy
  health [--url U]  ask a running proxy's /proxy/health; exit 0 when it answers 200, else 1
  ready [--url U]   ask a running proxy's /proxy/health/ready; exit 0 when 200, else 1
                    (U: http://host:port of the proxy; default: 127.0.0.1, PORT and
                    PROXY_BASE_PATH of this environment)
  --help, -h        this text
  --version, -v     the version

Environment variables:`;

function defaultOf(spec: OptionSpec<unknown>): string {
  if (spec.defaultDoc !== undefined) return spec.defaultDoc;
  const value = spec.default;
  if (value === undefined || value === '') return '';
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'object') return '';
  return String(value);
}

/** `--help`: the usage, then every variable of the option table with its type and default. */
export function helpText(): string {
  const variables = Object.values(OPTIONS).map((spec: OptionSpec<unknown>) => {
    const shown = defaultOf(spec);
    const header = `  ${spec.env.join(' / ')}  (${spec.parser.kind}${shown === '' ? '' : `, default ${shown}`})`;
    return `${header}\n      ${spec.doc}${spec.secret ? ' Secret: never logged.' : ''}`;
  });
  return `${USAGE}\n${variables.join('\n')}\n`;
}
