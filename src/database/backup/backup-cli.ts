import { existsSync, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { describeVerification, verifyAuditChain } from '../../audit/audit-chain.js';
import { loadConfig } from '../../config/app-config.js';
import { openOperatorDatabase, runOperatorCommand } from '../cli-database.js';
import { findPgTool, listArchive, runPgTool } from './pg-tools.js';
import { tableChecksums } from './table-checksums.js';
import { BACKUP_NAME, type BackupManifest, manifestPath, sha256File } from './backup-manifest.js';

/**
 * `npm run backup [-- --out DIR]`: pg_dump -Fc of the whole database (attachments are bytea rows,
 * so they are in it) to DIR/reform-YYYYMMDD-HHMMSS.dump, DIR defaulting to BACKUP_DIR or ./backups.
 *
 * pg_dump reads a snapshot exported from this command's own transaction, in which the per-table row
 * counts and checksums and the audit chain are computed too: the manifest beside the dump
 * (`….dump.json`) describes exactly what the dump holds, and `npm run restore` checks against it.
 * The new file is checked with `pg_restore --list` and compared with the previous backup's size.
 *
 * Exit codes: 0 done; 1 failed (no backup written); 2 written, but look at it: the file is under
 * half the previous backup's size (the GitLab lesson) or the audit chain does not verify.
 */

/** Local time, YYYYMMDD-HHMMSS. */
function timestamp(now: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return (
    `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-` +
    `${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`
  );
}

function previousBackup(directory: string): { name: string; bytes: number } | undefined {
  const name = readdirSync(directory)
    .filter((file) => BACKUP_NAME.test(file))
    .sort()
    .at(-1);
  return name ? { name, bytes: statSync(join(directory, name)).size } : undefined;
}

function parseArgs(argv: string[]): { out: string } {
  let out = process.env.BACKUP_DIR || './backups';
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--out' && argv[i + 1]) {
      out = argv[(i += 1)];
    } else {
      throw new Error(`unknown argument "${argv[i]}" (usage: npm run backup -- [--out DIR])`);
    }
  }
  return { out: resolve(out) };
}

async function main(): Promise<number> {
  const { out } = parseArgs(process.argv.slice(2));
  mkdirSync(out, { recursive: true });
  const database = await openOperatorDatabase(loadConfig());
  const client = new pg.Client({ connectionString: database.url });
  const file = join(out, `reform-${timestamp(new Date())}.dump`);
  const partial = `${file}.partial`;
  try {
    await client.connect();
    const [{ version, major }] = (
      await client.query<{ version: string; major: number }>(
        `SELECT current_setting('server_version') AS version,
                current_setting('server_version_num')::int / 10000 AS major`,
      )
    ).rows;
    const pgDump = await findPgTool('pg_dump', major);
    const pgRestore = await findPgTool('pg_restore', major);
    if (existsSync(file)) {
      throw new Error(`${file} exists already`);
    }
    const previous = previousBackup(out);
    console.log(`Backing up ${database.label} (PostgreSQL ${version}) with ${pgDump}`);

    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const [{ snapshot }] = (
      await client.query<{ snapshot: string }>('SELECT pg_export_snapshot() AS snapshot')
    ).rows;
    const started = Date.now();
    const [, tables, chain] = await Promise.all([
      runPgTool(
        pgDump,
        ['--format=custom', `--snapshot=${snapshot}`, `--file=${partial}`],
        database.url,
      ),
      tableChecksums(client),
      // A database from before the audit-chain migration is still backed up, with a warning.
      verifyAuditChain(client).catch((error: unknown) =>
        error instanceof Error ? error : new Error(String(error)),
      ),
    ]);
    await client.query('COMMIT');

    // A damaged or truncated archive fails here; every table's data must be listed in it.
    const contents = await listArchive(pgRestore, partial);
    const missing = Object.keys(tables).filter((name) => {
      const [schema, table] = name.split('.');
      return !contents.includes(` TABLE DATA ${schema} ${table} `);
    });
    if (missing.length > 0) {
      throw new Error(`pg_restore --list shows no data for ${missing.join(', ')}`);
    }
    renameSync(partial, file);
    const bytes = statSync(file).size;
    const manifest: BackupManifest = {
      format: 1,
      file: file.split('/').at(-1)!,
      createdAt: new Date().toISOString(),
      source: database.label,
      serverVersion: version,
      bytes,
      sha256: await sha256File(file),
      tables,
      auditChain:
        chain instanceof Error
          ? { ok: false, rows: 0, headHash: '', problem: chain.message }
          : {
              ok: chain.ok,
              rows: chain.rows,
              headHash: chain.headHash,
              problem: chain.broken ? describeVerification(chain) : undefined,
            },
    };
    await writeFile(manifestPath(file), `${JSON.stringify(manifest, null, 2)}\n`);

    const rows = Object.values(tables).reduce((sum, table) => sum + table.rows, 0);
    console.log(
      `Backup written: ${file} (${bytes} bytes, ${Object.keys(tables).length} tables, ${rows} rows, ` +
        `${((Date.now() - started) / 1000).toFixed(1)} s); pg_restore --list OK`,
    );
    console.log(`Manifest: ${manifestPath(file)} (sha256 ${manifest.sha256})`);
    let code = 0;
    if (manifest.auditChain.ok) {
      console.log(
        `Audit chain: OK ${manifest.auditChain.rows} rows, head ${manifest.auditChain.headHash}`,
      );
    } else {
      console.error(`WARNING: the audit chain does not verify: ${manifest.auditChain.problem}`);
      code = 2;
    }
    if (previous && bytes < previous.bytes * 0.5) {
      console.error(
        `WARNING: this backup (${bytes} bytes) is under 50 % of the previous one, ` +
          `${previous.name} (${previous.bytes} bytes): check that data was not lost or the dump cut short.`,
      );
      code = 2;
    }
    return code;
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  } finally {
    await client.end();
    await database.close();
  }
}

runOperatorCommand('backup', main);
