import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import pg from 'pg';
import { describeVerification, verifyAuditChain } from '../../audit/audit-chain.js';
import { loadConfig } from '../../config/app-config.js';
import {
  openOperatorDatabase,
  runOperatorCommand,
  withoutPassword,
  type OperatorDatabase,
} from '../cli-database.js';
import { readManifest, sha256File } from './backup-manifest.js';
import { findPgTool, listArchive, runPgTool } from './pg-tools.js';
import { compareChecksums, tableChecksums } from './table-checksums.js';

/**
 * `npm run restore -- <file> [--into URL] [--force]`: pg_restore of a backup into the database at
 * URL (created when it does not exist), else DATABASE_URL, else the embedded database. A database
 * that already holds tables is refused unless --force, which replaces the objects the backup
 * contains (pg_restore --clean). Owners and privileges are not restored: objects belong to the
 * restoring role, and the app role's grants come back from ops/roles.sql (which the app reapplies
 * at start when MIGRATION_DATABASE_URL is set).
 *
 * Before: the file's SHA-256 against its manifest and `pg_restore --list`. After: row counts and
 * checksums of every table against the manifest, and the audit hash chain. Exit 0 when all agree,
 * 1 otherwise.
 */
interface Options {
  file: string;
  into?: string;
  force: boolean;
}

const USAGE = 'usage: npm run restore -- <backup.dump> [--into postgres://…/database] [--force]';

function parseArgs(argv: string[]): Options {
  let file: string | undefined;
  let into: string | undefined;
  let force = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--into' && argv[i + 1]) {
      into = argv[(i += 1)];
    } else if (arg === '--force') {
      force = true;
    } else if (!arg.startsWith('--') && file === undefined) {
      file = resolve(arg);
    } else {
      throw new Error(`unknown argument "${arg}" (${USAGE})`);
    }
  }
  if (!file) {
    throw new Error(USAGE);
  }
  return { file, into, force };
}

function maintenanceUrl(url: string): string {
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  return maintenance.toString();
}

/** Whether URL's database exists, and its server's major version (asked of `postgres` if not). */
async function probe(url: string): Promise<{ exists: boolean; major: number }> {
  for (const [candidate, exists] of [
    [url, true],
    [maintenanceUrl(url), false],
  ] as const) {
    const client = new pg.Client({ connectionString: candidate });
    try {
      await client.connect();
      const result = await client.query<{ major: number }>(
        `SELECT current_setting('server_version_num')::int / 10000 AS major`,
      );
      return { exists, major: result.rows[0].major };
    } catch (error) {
      if (!exists || (error as { code?: string }).code !== '3D000') {
        throw error;
      }
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  throw new Error('unreachable');
}

async function createDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = new pg.Client({ connectionString: maintenanceUrl(url) });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)} ENCODING 'UTF8'`);
  } finally {
    await admin.end();
  }
}

async function target(options: Options): Promise<OperatorDatabase> {
  if (options.into) {
    const url = options.into;
    return { url, label: withoutPassword(url), close: async () => {} };
  }
  return openOperatorDatabase(loadConfig());
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  if (!existsSync(options.file)) {
    throw new Error(`no such file: ${options.file}`);
  }
  const manifest = readManifest(options.file);
  if (manifest) {
    const sha256 = await sha256File(options.file);
    if (sha256 !== manifest.sha256) {
      throw new Error(
        `${options.file} does not match its manifest (sha256 ${sha256}, recorded ${manifest.sha256}): damaged copy?`,
      );
    }
  } else {
    console.warn('No manifest beside the file: the restored tables cannot be compared with it.');
  }

  const database = await target(options);
  try {
    // The archive is read before the target is touched (or created).
    const server = await probe(database.url);
    const pgRestore = await findPgTool('pg_restore', server.major);
    await listArchive(pgRestore, options.file);
    if (!server.exists) {
      await createDatabase(database.url);
      console.log(`Created database ${database.label}`);
    }
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const [{ relations }] = (
        await client.query<{ relations: number }>(
          `SELECT count(*)::int AS relations FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
              AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND n.nspname NOT LIKE 'pg\\_%'`,
        )
      ).rows;
      if (relations > 0 && !options.force) {
        console.error(
          `Refused: ${database.label} is not empty (${relations} tables, sequences or views). ` +
            'Restore into a fresh database (--into …/new_name creates it), or pass --force to replace ' +
            'what the backup contains.',
        );
        return 1;
      }
      console.log(`Restoring ${options.file} into ${database.label} with ${pgRestore} …`);
      const started = Date.now();
      await runPgTool(
        pgRestore,
        [
          '--no-owner',
          '--no-privileges',
          '--exit-on-error',
          '--single-transaction',
          ...(options.force ? ['--clean', '--if-exists'] : []),
          options.file,
        ],
        database.url,
      );
      console.log(`Restored in ${((Date.now() - started) / 1000).toFixed(1)} s.`);

      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const tables = await tableChecksums(client);
      const chain = await verifyAuditChain(client).catch((error: unknown) =>
        error instanceof Error ? error : new Error(String(error)),
      );
      await client.query('COMMIT');

      const rows = Object.values(tables).reduce((sum, table) => sum + table.rows, 0);
      console.log(`Tables: ${Object.keys(tables).length}, rows: ${rows}`);
      let ok = true;
      if (manifest) {
        const problems = compareChecksums(manifest.tables, tables);
        if (problems.length === 0) {
          console.log('Every table matches the backup manifest (row counts and checksums).');
        } else {
          ok = false;
          console.error(`MISMATCH with the backup manifest:\n  ${problems.join('\n  ')}`);
        }
        if (
          !(chain instanceof Error) &&
          chain.ok &&
          chain.headHash !== manifest.auditChain.headHash
        ) {
          ok = false;
          console.error(
            `MISMATCH: audit chain head ${chain.headHash}, the backup recorded ${manifest.auditChain.headHash}`,
          );
        }
      }
      if (chain instanceof Error) {
        // Only a backup of a database from before the audit-chain migration may lack it.
        const expected = manifest?.auditChain.headHash !== '';
        console.log(`Audit chain: not checked: ${chain.message}`);
        ok &&= !expected;
      } else {
        console.log(`Audit chain: ${describeVerification(chain)}`);
        ok &&= chain.ok;
      }
      console.log(
        ok
          ? 'Restore verified. If the app connects as reform_app, its grants come back at the next start ' +
              'with MIGRATION_DATABASE_URL (or run ops/roles.sql as the owner).'
          : 'Restore NOT verified: do not point the app at this database before finding out why.',
      );
      return ok ? 0 : 1;
    } finally {
      await client.end();
    }
  } finally {
    await database.close();
  }
}

runOperatorCommand('restore', main);
