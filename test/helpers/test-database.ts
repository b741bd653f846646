import { createServer } from 'node:net';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import { seedReferenceData } from '../../src/database/seed/seed-reference-data.js';

export const TEMPLATE_DATABASE = 'reform_template';

/** Set by the global setup for every test worker. */
export function adminDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_ADMIN_URL;
  if (!url) {
    throw new Error(
      'TEST_DATABASE_ADMIN_URL is not set: run the tests through jest (test/global-setup.ts)',
    );
  }
  return url;
}

export function databaseUrl(name: string): string {
  const url = new URL(adminDatabaseUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/** Any constant: the advisory lock under which one worker builds the template. */
const TEMPLATE_LOCK = 720_302;

/**
 * Makes sure the template exists: every migration plus the reference data, built once per run by
 * whichever worker comes first (the global setup dropped the previous one).
 */
async function ensureTemplate(client: pg.Client): Promise<void> {
  await client.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      TEMPLATE_DATABASE,
    ]);
    if (found.rowCount) {
      return;
    }
    const building = `${TEMPLATE_DATABASE}_building`;
    await client.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${building}`);
    const dataSource = new DataSource(dataSourceOptions(databaseUrl(building)));
    await dataSource.initialize();
    await dataSource.runMigrations();
    await dataSource.transaction((manager) => seedReferenceData(manager));
    await dataSource.destroy();
    await client.query(`ALTER DATABASE ${building} RENAME TO ${TEMPLATE_DATABASE}`);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]);
  }
}

/** A fresh database cloned from the migrated template (immich pattern): fast and isolated per test file. */
export async function cloneTemplateDatabase(): Promise<string> {
  const name = `test_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const client = new pg.Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    await ensureTemplate(client);
    await client.query(
      `CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(TEMPLATE_DATABASE)}`,
    );
  } finally {
    await client.end();
  }
  return name;
}

export async function dropDatabase(name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
