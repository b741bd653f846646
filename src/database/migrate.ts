import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { PROJECT_ROOT } from '../common/paths.js';
import { dataSourceOptions } from './data-source-options.js';

/** An arbitrary constant: the advisory lock under which one instance applies the grants. */
const GRANTS_LOCK = 720_311;

/** The least-privilege grants (see the file's header), applied by the schema owner. */
export const APP_ROLE_SQL_PATH = join(PROJECT_ROOT, 'ops', 'roles.sql');

/**
 * Start-up with MIGRATION_DATABASE_URL: as the schema owner, run the pending migrations, then
 * (re)apply ops/roles.sql for the role the app connects as (the user of DATABASE_URL), so that the
 * tables a migration just created get exactly the app's rights and audit_log stays append-only for
 * it. Nothing to grant when both URLs name the same user.
 */
export async function migrateAsOwner(ownerUrl: string, appUrl: string): Promise<void> {
  const options = dataSourceOptions(ownerUrl);
  const dataSource = new DataSource({
    ...options,
    extra: { ...(options.extra as Record<string, unknown>), max: 1 },
  });
  await dataSource.initialize();
  try {
    await dataSource.runMigrations();
    const owner = decodeURIComponent(new URL(ownerUrl).username);
    const appRole = decodeURIComponent(new URL(appUrl).username);
    if (appRole && appRole !== owner) {
      await dataSource.transaction(async (manager) => {
        // Instances starting together would otherwise collide on the same catalog rows.
        await manager.query('SELECT pg_advisory_xact_lock($1)', [GRANTS_LOCK]);
        await manager.query(`SELECT set_config('reform.app_role', $1, true)`, [appRole]);
        await manager.query(readFileSync(APP_ROLE_SQL_PATH, 'utf8'));
      });
    }
  } finally {
    await dataSource.destroy();
  }
}
