import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Flags that show, through /proxy, which context properties the proxy evaluated with: the flag
 * `probe:country=NO` is on exactly when the context has the property `country` equal to `NO`.
 */
export type Probes = Readonly<Record<string, readonly string[]>>;

const PROBE = /^probe:([^=]+)=(.*)$/;

export interface FlagDefinition {
  name: string;
  enabled: boolean;
  strategies: unknown[];
}

/** A flag on for the contexts whose `property` is one of `values` (the IN operator). */
export function flagWithConstraint(name: string, property: string, values: readonly string[]) {
  return {
    name,
    enabled: true,
    strategies: [
      {
        name: 'default',
        parameters: {},
        constraints: [{ contextName: property, operator: 'IN', values: [...values] }],
      },
    ],
  };
}

/** Writes a bootstrap file (Unleash client API format) with the probes and other flags. */
export function writeProbeFlags(
  folder: string,
  probes: Probes,
  flags: readonly FlagDefinition[] = [],
): string {
  const features = [
    ...Object.entries(probes).flatMap(([property, values]) =>
      values.map((value) => flagWithConstraint(`probe:${property}=${value}`, property, [value])),
    ),
    ...flags,
  ];
  const file = join(folder, 'flags.json');
  writeFileSync(file, JSON.stringify({ version: 2, features }));
  return file;
}

/** The properties the probes saw, from the names of the enabled flags in an answer. */
export function probedProperties(answer: unknown): Record<string, string> {
  const toggles = (answer as { toggles?: { name: string }[] }).toggles ?? [];
  const seen: Record<string, string> = {};
  for (const { name } of toggles) {
    const match = PROBE.exec(name);
    if (match?.[1] !== undefined && match[2] !== undefined) seen[match[1]] = match[2];
  }
  return seen;
}

/** The names of the enabled flags that are not probes. */
export function enabledFlags(answer: unknown): string[] {
  const toggles = (answer as { toggles?: { name: string }[] }).toggles ?? [];
  return toggles.map((toggle) => toggle.name).filter((name) => !PROBE.test(name));
}
