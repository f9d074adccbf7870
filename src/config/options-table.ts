import { OPTIONS, type OptionSpec } from './options.js';

function shownDefault(spec: OptionSpec<unknown>): string {
  if (spec.defaultDoc !== undefined) return `\`${spec.defaultDoc}\``;
  const value = spec.default;
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.length === 0 ? '' : `\`${value.join(',')}\``;
  if (value === '') return '';
  return `\`${String(value)}\``;
}

/** The configuration table of the README, generated from the option table itself. */
export function optionsMarkdownTable(): string {
  const rows = (Object.entries(OPTIONS) as [string, OptionSpec<unknown>][]).map(([name, spec]) => {
    const env = spec.env.map((variable) => `\`${variable}\``).join(' / ');
    const secret = spec.secret ? ' (secret: never logged)' : '';
    const cells = [
      env,
      `\`${name}\``,
      spec.parser.kind,
      shownDefault(spec),
      `${spec.doc}${secret}`,
    ];
    return `| ${cells.map(escapePipes).join(' | ')} |`;
  });
  return [
    '| Environment variable | Option in code | Type | Default | Meaning |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** A `|` inside a cell would end it. */
function escapePipes(cell: string): string {
  return cell.replaceAll('|', '\\|');
}
