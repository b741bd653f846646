import pg from 'pg';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../src/database/embedded-database.js';

/** Where the scale databases live unless --database-url / DATABASE_URL names a server. */
export const SCALE_DATA_DIR = './data-scale';
/** SCALE_DB_PORT in the environment moves it (two benches on one machine). */
export const SCALE_DB_PORT = Number(process.env.SCALE_DB_PORT ?? 54339);

/**
 * The embedded cluster of the benchmarks: its own data directory and port, so it never touches the
 * demo database under ./data. Settings a small production server would have; not tuned for tests
 * (fsync stays on).
 */
export function startScaleCluster(
  dataDir = SCALE_DATA_DIR,
  port = SCALE_DB_PORT,
): Promise<EmbeddedDatabase> {
  return startEmbeddedDatabase({
    dataDir,
    port,
    databaseName: 'postgres',
    extraFlags: [
      '-c',
      'shared_buffers=512MB',
      '-c',
      'max_connections=200',
      '-c',
      'effective_cache_size=4GB',
      '-c',
      'work_mem=16MB',
      // Bulk seeding writes gigabytes of WAL: fewer forced checkpoints while it runs.
      '-c',
      'max_wal_size=8GB',
    ],
  });
}

/** One database per size (reform_scale_100k), so the bench can compare sizes side by side. */
export function scaleDatabaseName(records: number): string {
  const label = records % 1000 === 0 && records >= 1000 ? `${records / 1000}k` : String(records);
  return `reform_scale_${label}`;
}

export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

export async function databaseExists(adminUrl: string, name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return (found.rowCount ?? 0) > 0;
  } finally {
    await client.end();
  }
}

export async function recreateDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)} ENCODING 'UTF8'`);
  } finally {
    await client.end();
  }
}

/** Parses `--name value` and `--name=value` options; flags without a value are "true". */
export function parseArgs(argv: string[]): Map<string, string> {
  const options = new Map<string, string>();
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index];
    if (!arg.startsWith('--')) {
      continue;
    }
    const [name, inline] = arg.slice(2).split('=', 2);
    if (inline !== undefined) {
      options.set(name, inline);
    } else if (argv[index + 1] !== undefined && !argv[index + 1].startsWith('--')) {
      options.set(name, argv[index + 1]);
      index += 1;
    } else {
      options.set(name, 'true');
    }
  }
  return options;
}

export function positiveIntOption(
  options: Map<string, string>,
  name: string,
  fallback: number,
  minimum = 1,
): number {
  const raw = options.get(name);
  if (raw === undefined) {
    return fallback;
  }
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(value) || value < minimum) {
    throw new Error(`--${name} must be an integer ≥ ${minimum}, got "${raw}"`);
  }
  return value;
}
