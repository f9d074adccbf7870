import { fileURLToPath } from 'node:url';

/** Absolute path of the repository root, so helpers work from any cwd. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Where `.ci/e2e-setup.sh` installs unleash-server, outside the project's own dependencies. */
export const unleashServerPackageDir = fileURLToPath(
  new URL('../../../.cache/unleash-server/node_modules/unleash-server/', import.meta.url),
);

/** Screenshots and server logs land here; the folder is gitignored. */
export const testResultsDir = fileURLToPath(new URL('../../../test-results/', import.meta.url));
