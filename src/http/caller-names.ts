/** Longer names are cut: an error about a 50,000-character key must not echo it back. */
const MAX_SHOWN_NAME_LENGTH = 64;

/** A caller-supplied name (a query key, a JSON key) as error messages and details show it. */
export function shortName(name: string): string {
  return name.length > MAX_SHOWN_NAME_LENGTH ? `${name.slice(0, MAX_SHOWN_NAME_LENGTH)}…` : name;
}

/** The same, quoted as JSON, so quotes and control characters in the name stay readable. */
export function quotedName(name: string): string {
  return JSON.stringify(shortName(name));
}
