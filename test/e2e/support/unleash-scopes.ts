import { join } from 'node:path';
import { runCommand } from './run-command.js';
import { unleashRequest } from './unleash-http.js';

const pgBinDir = process.env.E2E_PG_BIN_DIR ?? '/usr/lib/postgresql/15/bin';

/**
 * Adds a project the way Unleash's enterprise API would: open-source Unleash has no API to
 * create projects, so the row goes straight into its database, with every environment the
 * `default` project has.
 */
export async function insertProject(databaseUrl: string, project: string): Promise<void> {
  if (!/^[a-z][a-z0-9-]*$/.test(project)) throw new Error(`unsafe project name ${project}`);
  await runCommand(join(pgBinDir, 'psql'), [
    '-X',
    '-v',
    'ON_ERROR_STOP=1',
    '-d',
    databaseUrl,
    '-c',
    `INSERT INTO projects (id, name, description) VALUES ('${project}', '${project}', '')`,
    '-c',
    `INSERT INTO project_environments (project_id, environment_name) SELECT '${project}', environment_name FROM project_environments WHERE project_id = 'default'`,
  ]);
}

export interface CreatedToken {
  secret: string;
}

/** Creates an API token through the admin API; `projects` as Unleash takes them. */
export async function createApiToken(
  baseUrl: string,
  adminToken: string,
  token: { type: 'frontend' | 'client'; environment: string; projects: string[] },
): Promise<string> {
  const created = await unleashRequest<CreatedToken>(
    'POST',
    `${baseUrl}/api/admin/api-tokens`,
    adminToken,
    {
      tokenName: `e2e-${token.type}-${token.environment}-${token.projects.join('-').replace('*', 'all')}`,
      ...token,
    },
  );
  return created.secret;
}
