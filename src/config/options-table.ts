import { OPTIONS, type OptionSpec } from './options.js';

function shownDefault(spec: OptionSpec<unknown>): string {
  if (spec.defaultDoc !== undefined) return `\`${spec.defaultDoc}\``;
  const value = spec.default;
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.length === 0 ? '' : `\`${value.join(',')}\``;
  if (value === '') return '';
  return `\`${String(value)}\``;
}

const PAGE_TITLES: Record<NonNullable<OptionSpec<unknown>['page']>, string> = {
  tracing: 'OpenTelemetry traces',
};

/**
 * The configuration table of the README, generated from the option table itself. A group of
 * options with a page of its own is one row here (its variables and a link); `page` gives
 * that page's full table instead.
 */
export function optionsMarkdownTable(page?: OptionSpec<unknown>['page']): string {
  const entries = (Object.entries(OPTIONS) as [string, OptionSpec<unknown>][]).filter(
    ([, spec]) => spec.page === page,
  );
  const rows = entries.map(([name, spec]) => {
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
  if (page === undefined) rows.push(...pageRows());
  return [
    '| Environment variable | Option in code | Type | Default | Meaning |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** One README row per page of options: every variable of the group, and where it is explained. */
function pageRows(): string[] {
  return Object.entries(PAGE_TITLES).map(([page, title]) => {
    const variables = Object.values(OPTIONS as Record<string, OptionSpec<unknown>>)
      .filter((spec) => spec.page === page)
      .flatMap((spec) => spec.env.map((variable) => `\`${variable}\``));
    return `| ${variables.join(', ')} | | | | ${title}: [docs/${page}.md](docs/${page}.md) |`;
  });
}

/** A `|` inside a cell would end it. */
function escapePipes(cell: string): string {
  return cell.replaceAll('|', '\\|');
}
