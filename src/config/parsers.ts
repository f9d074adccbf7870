/**
 * Strict parsers for option values. Each accepts the raw environment string or a value given
 * in code, and throws a `ParseError` with a short reason when the value is not acceptable.
 */
export class ParseError extends Error {}

export interface Parser<T> {
  /** How the value is described in the configuration table, e.g. "integer >= 0". */
  readonly kind: string;
  fromEnv(raw: string): T;
  fromCode(value: unknown): T;
}

const TRUE_WORDS = new Set(['true', '1', 'yes']);
const FALSE_WORDS = new Set(['false', '0', 'no']);

export const boolean: Parser<boolean> = {
  kind: 'boolean',
  fromEnv(raw) {
    const word = raw.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
    throw new ParseError('expected true/false, 1/0 or yes/no');
  },
  fromCode(value) {
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string') return boolean.fromEnv(value);
    throw new ParseError('expected a boolean');
  },
};

export function integer(min: number, max = Number.MAX_SAFE_INTEGER): Parser<number> {
  const check = (value: number): number => {
    if (!Number.isSafeInteger(value)) throw new ParseError('expected a whole number');
    if (value < min || value > max) throw new ParseError(`expected a number from ${min} to ${max}`);
    return value;
  };
  return {
    kind: max === Number.MAX_SAFE_INTEGER ? `integer >= ${min}` : `integer ${min}-${max}`,
    fromEnv(raw) {
      const text = raw.trim();
      if (!/^-?\d+$/.test(text)) throw new ParseError('expected a whole number');
      return check(Number(text));
    },
    fromCode(value) {
      if (typeof value === 'number') return check(value);
      if (typeof value === 'string') return this.fromEnv(value);
      throw new ParseError('expected a number');
    },
  };
}

export const text: Parser<string> = {
  kind: 'string',
  fromEnv(raw) {
    return raw;
  },
  fromCode(value) {
    if (typeof value === 'string') return value;
    throw new ParseError('expected a string');
  },
};

export function oneOf<const T extends string>(...choices: readonly T[]): Parser<T> {
  const accept = (raw: string): T => {
    const word = raw.trim().toLowerCase();
    const match = choices.find((choice) => choice === word);
    if (match === undefined) throw new ParseError(`expected one of ${choices.join(', ')}`);
    return match;
  };
  return {
    kind: choices.join(' | '),
    fromEnv: accept,
    fromCode(value) {
      if (typeof value === 'string') return accept(value);
      throw new ParseError('expected a string');
    },
  };
}

export const httpUrl: Parser<string> = {
  kind: 'URL',
  fromEnv(raw) {
    const value = raw.trim();
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new ParseError('expected an absolute http(s) URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ParseError('expected an http or https URL');
    }
    return value;
  },
  fromCode(value) {
    if (typeof value === 'string') return httpUrl.fromEnv(value);
    throw new ParseError('expected a URL string');
  },
};

/** A comma-separated list in the environment, an array of strings in code; blanks dropped. */
export const stringList: Parser<readonly string[]> = {
  kind: 'comma-separated list',
  fromEnv(raw) {
    return raw
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0);
  },
  fromCode(value) {
    if (typeof value === 'string') return stringList.fromEnv(value);
    if (Array.isArray(value) && value.every((item): item is string => typeof item === 'string')) {
      return value.map((item) => item.trim()).filter((item) => item.length > 0);
    }
    throw new ParseError('expected a list of strings');
  },
};

/** One environment's flag file (UNLEASH_BOOTSTRAP_FILES). */
export interface EnvironmentFile {
  readonly environment: string;
  readonly path: string;
}

/** UNLEASH_BOOTSTRAP_FILES: `environment=path,environment=path`, each environment once. */
export const environmentFileList: Parser<readonly EnvironmentFile[]> = {
  kind: 'list of environment=path',
  fromEnv(raw) {
    return distinctEnvironments(
      stringList.fromEnv(raw).map((entry) => {
        const separator = entry.indexOf('=');
        const environment = entry.slice(0, separator).trim();
        const path = entry.slice(separator + 1).trim();
        if (separator <= 0 || environment.length === 0 || path.length === 0) {
          throw new ParseError(`"${entry}" is not environment=path`);
        }
        return { environment, path };
      }),
    );
  },
  fromCode(value) {
    if (typeof value === 'string') return environmentFileList.fromEnv(value);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.every((entry): entry is [string, string] => typeof entry[1] === 'string')) {
        return environmentFileList.fromEnv(
          entries.map(([environment, path]) => `${environment}=${path}`).join(','),
        );
      }
    }
    throw new ParseError('expected an object of environment: path');
  },
};

function distinctEnvironments(files: readonly EnvironmentFile[]): readonly EnvironmentFile[] {
  const seen = new Set<string>();
  for (const { environment } of files) {
    if (seen.has(environment)) {
      throw new ParseError(`environment "${environment}" is given more than one file`);
    }
    seen.add(environment);
  }
  return files;
}

export interface Tag {
  name: string;
  value: string;
}

/** UNLEASH_TAGS: `name:value,name:value`, as the original proxy reads it. */
export const tagList: Parser<readonly Tag[]> = {
  kind: 'list of name:value',
  fromEnv(raw) {
    return stringList.fromEnv(raw).map((entry) => {
      const separator = entry.indexOf(':');
      if (separator <= 0 || separator === entry.length - 1) {
        throw new ParseError(`tag "${entry}" is not name:value`);
      }
      return { name: entry.slice(0, separator), value: entry.slice(separator + 1) };
    });
  },
  fromCode(value) {
    if (typeof value === 'string') return tagList.fromEnv(value);
    if (
      Array.isArray(value) &&
      value.every(
        (tag): tag is Tag =>
          typeof tag === 'object' &&
          tag !== null &&
          typeof (tag as Tag).name === 'string' &&
          typeof (tag as Tag).value === 'string',
      )
    ) {
      return value.map((tag) => ({ name: tag.name, value: tag.value }));
    }
    throw new ParseError('expected a list of {name, value}');
  },
};

/** CORS_ORIGIN: `*`, one origin, or a comma-separated list of origins. */
export const corsOrigin: Parser<string | readonly string[]> = {
  kind: '* or list of origins',
  fromEnv(raw) {
    const origins = stringList.fromEnv(raw);
    if (origins.length === 0) throw new ParseError('expected * or at least one origin');
    return origins.length === 1 && origins[0] === '*' ? '*' : origins;
  },
  fromCode(value) {
    if (value === true || value === '*') return '*';
    if (typeof value === 'string' || Array.isArray(value)) {
      return corsOrigin.fromEnv(stringList.fromCode(value).join(','));
    }
    throw new ParseError('expected * or a list of origins');
  },
};
