import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  copyFileSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import request from 'supertest';
import { createApp } from '../../src/bootstrap.js';
import type { BackupManifest } from '../../src/database/backup/backup-manifest.js';
import { login } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { databaseUrl, dropDatabase } from '../helpers/test-database.js';
import { createUser, type TestUser } from '../helpers/users.factory.js';
import { SampleRecordsModule } from '../support/sample-records.module.js';

const run = promisify(execFile);

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * One of the operator commands as a child process: `npm run <script>` the first time (it
 * compiles), the compiled file afterwards. DATABASE_URL is the only database setting it gets.
 */
async function command(
  script: 'backup' | 'restore' | 'audit:verify',
  args: string[],
  env: { DATABASE_URL?: string } = {},
  how: 'npm' | 'compiled' = 'compiled',
): Promise<Outcome> {
  const compiled = {
    backup: 'dist/ops/database/backup/backup-cli.js',
    restore: 'dist/ops/database/backup/restore-cli.js',
    'audit:verify': 'dist/ops/audit/cli/audit-verify-cli.js',
  }[script];
  const [file, argv] =
    how === 'npm'
      ? ['npm', ['run', '-s', script, '--', ...args]]
      : [process.execPath, [compiled, ...args]];
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
  delete childEnv.DATABASE_URL;
  try {
    const { stdout, stderr } = await run(file, argv, { env: { ...childEnv, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as Outcome;
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Row count and md5 of all rows' text in text order, per table: computed apart from the tool's own checksums. */
async function snapshot(url: string): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>(
      `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables
        WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
    );
    const result: Record<string, string> = {};
    for (const { name } of tables.rows) {
      const [row] = (
        await client.query<{ summary: string }>(
          `SELECT count(*) || ' rows, md5 ' ||
                  coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text COLLATE "C")), '-') AS summary
             FROM ${name} t`,
        )
      ).rows;
      result[name] = row.summary;
    }
    return result;
  } finally {
    await client.end();
  }
}

async function single<T extends object>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

const pdf = (payload: Buffer) =>
  Buffer.concat([Buffer.from('%PDF-1.7\n'), payload, Buffer.from('\n%%EOF\n')]);

/**
 * Random bytes without '/': a PDF name such as /JS can then not occur by chance (in 300 KiB it
 * did about once in a hundred runs, and the upload was rightly refused as active content).
 */
const randomWithoutSlash = (size: number): Buffer =>
  Buffer.from(randomBytes(size).map((byte) => (byte === 0x2f ? 0x30 : byte)));

describe('Backup and restore (npm run backup / restore against real PostgreSQL)', () => {
  let testApp: TestApp;
  let clerk: TestUser;
  let sourceName: string;
  let sourceUrl: string;
  const restoredName = `restored_${process.pid}_${Date.now().toString(36)}`;
  const restoredUrl = databaseUrl(restoredName);
  let outDir: string;
  let dumpFile: string;
  const uploaded: string[] = [];

  beforeAll(async () => {
    testApp = await createTestApp({}, [SampleRecordsModule]);
    sourceUrl = (testApp.dataSource.options as { url: string }).url;
    sourceName = new URL(sourceUrl).pathname.slice(1);
    clerk = await createUser(testApp.dataSource, { roles: ['entry'], name: '备份测试员' });
    const session = await login(testApp.server, clerk.mobile, clerk.password);
    // Three evidence files (one of 300 KiB of random bytes, which compression cannot shrink) on two
    // records, one of them submitted: attachments, workflow rows, events and audit rows.
    const files = [
      pdf(Buffer.from('部署文件')),
      pdf(randomWithoutSlash(300 * 1024)),
      pdf(Buffer.from('验收报告')),
    ];
    for (const [index, content] of files.entries()) {
      const response = await session.agent
        .post('/attachments?field=evidence')
        .set('HX-Request', 'true')
        .set('X-CSRF-Token', session.csrfToken)
        .attach('upload_evidence', content, `证明${index}.pdf`);
      uploaded.push(/name="evidence" value="([0-9a-f-]{36})"/.exec(response.text)![1]);
    }
    expect(
      (
        await session.post('/samples', {
          type: 'sample_office',
          title: '备份记录一',
          evidence: uploaded.slice(0, 2),
          submit: '1',
        })
      ).status,
    ).toBe(303);
    expect(
      (
        await session.post('/samples', {
          type: 'sample_office',
          title: '备份记录二',
          evidence: uploaded[2],
        })
      ).status,
    ).toBe(303);
    // Nothing may write to the source after the backup: stop the app, keep its database.
    await testApp.app.close();
    outDir = mkdtempSync(join(tmpdir(), 'reform-backup-'));
  });

  afterAll(async () => {
    await dropDatabase(restoredName);
    await dropDatabase(sourceName);
    rmSync(outDir, { recursive: true, force: true });
  });

  it('npm run backup should write reform-YYYYMMDD-HHMMSS.dump, list it with pg_restore and record a manifest', async () => {
    const outcome = await command('backup', ['--out', outDir], { DATABASE_URL: sourceUrl }, 'npm');
    expect(outcome.stderr).toBe('');
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toContain('pg_restore --list OK');
    const dumps = readdirSync(outDir).filter((name) => /^reform-\d{8}-\d{6}\.dump$/.test(name));
    expect(dumps).toHaveLength(1);
    dumpFile = join(outDir, dumps[0]);
    expect(readFileSync(dumpFile).subarray(0, 5).toString()).toBe('PGDMP');

    const manifest = JSON.parse(readFileSync(`${dumpFile}.json`, 'utf8')) as BackupManifest;
    const [counts] = await single<{ attachments: number; audit: number }>(
      sourceUrl,
      `SELECT (SELECT count(*)::int FROM attachments) AS attachments,
              (SELECT count(*)::int FROM audit_log) AS audit`,
    );
    expect(counts.attachments).toBe(3);
    expect(manifest.tables['public.attachments'].rows).toBe(3);
    expect(manifest.tables['public.audit_log'].rows).toBe(counts.audit);
    expect(manifest.auditChain).toMatchObject({ ok: true, rows: counts.audit });
    expect(manifest.bytes).toBe(statSync(dumpFile).size);
  });

  it('npm run restore should rebuild the database in a fresh one: same rows, same content, same files, chain OK, app boots', async () => {
    const outcome = await command('restore', [dumpFile, '--into', restoredUrl]);
    expect(outcome.stderr).toBe('');
    expect(outcome.stdout).toContain(`Created database`);
    expect(outcome.stdout).toContain('Every table matches the backup manifest');
    expect(outcome.code).toBe(0);

    // Per table, apart from the tool's own checks: row count and a checksum of the rows.
    const source = await snapshot(sourceUrl);
    expect(Object.keys(source).length).toBeGreaterThan(20);
    expect(await snapshot(restoredUrl)).toEqual(source);

    // Every file: the SHA-256 recomputed from the restored bytes is the one stored at upload.
    const files = await single<{ id: string; sha256: string; content: Buffer }>(
      restoredUrl,
      `SELECT id, sha256, content FROM attachments ORDER BY id`,
    );
    expect(files.map((file) => file.id).sort()).toEqual([...uploaded].sort());
    for (const file of files) {
      expect(createHash('sha256').update(file.content).digest('hex')).toBe(file.sha256);
    }

    const [{ audit }] = await single<{ audit: number }>(
      sourceUrl,
      `SELECT count(*)::int AS audit FROM audit_log`,
    );
    const verify = await command('audit:verify', [], { DATABASE_URL: restoredUrl });
    expect(verify.stdout).toContain(`OK ${audit} rows`);
    expect(verify.code).toBe(0);

    const app = await createApp(testApp.config, restoredUrl, { logLevels: ['error'] });
    try {
      await app.getHttpAdapter().getInstance().ready();
      expect((await request(app.getHttpServer()).get('/health')).status).toBe(200);
      const session = await login(app.getHttpServer(), clerk.mobile, clerk.password);
      expect((await session.agent.get(`/attachments/${uploaded[1]}`)).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('npm run restore should refuse a database that is not empty, unless --force', async () => {
    const refused = await command('restore', [dumpFile, '--into', restoredUrl]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is not empty');
    // The app's start and login above wrote sessions and audit rows: --force puts the backup back.
    const forced = await command('restore', [dumpFile, '--into', restoredUrl, '--force']);
    expect(forced.stdout).toContain('Every table matches the backup manifest');
    expect(forced.code).toBe(0);
    expect(await snapshot(restoredUrl)).toEqual(await snapshot(sourceUrl));
  });

  it('npm run restore should refuse a damaged file before touching the database', async () => {
    const damaged = join(outDir, 'damaged.dump');
    const bytes = readFileSync(dumpFile);
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    writeFileSync(damaged, bytes);
    copyFileSync(`${dumpFile}.json`, `${damaged}.json`);
    const outcome = await command('restore', [damaged, '--into', databaseUrl(`${restoredName}_x`)]);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain('does not match its manifest');

    const truncated = join(outDir, 'truncated.dump');
    writeFileSync(truncated, readFileSync(dumpFile).subarray(0, 100));
    const cut = await command('restore', [truncated, '--into', databaseUrl(`${restoredName}_x`)]);
    expect(cut.code).toBe(1);
    expect(cut.stderr).toContain('restore failed');
    const [{ exists }] = await single<{ exists: boolean }>(
      sourceUrl,
      `SELECT EXISTS (SELECT FROM pg_database WHERE datname = '${restoredName}_x') AS exists`,
    );
    expect(exists).toBe(false);
  });

  it('npm run backup should warn (exit 2) when the new file is under half the previous backup', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reform-backup-shrunk-'));
    try {
      writeFileSync(
        join(dir, 'reform-20260101-020000.dump'),
        Buffer.alloc(statSync(dumpFile).size * 3),
      );
      const outcome = await command('backup', ['--out', dir], { DATABASE_URL: sourceUrl });
      expect(outcome.code).toBe(2);
      expect(outcome.stderr).toMatch(
        /WARNING: this backup \(\d+ bytes\) is under 50 % of the previous one, reform-20260101-020000\.dump/,
      );
      expect(readdirSync(dir).filter((name) => name.endsWith('.dump'))).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a backup taken while rows are being written should hold exactly what its manifest says', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reform-backup-busy-'));
    const writer = new pg.Client({ connectionString: sourceUrl });
    await writer.connect();
    let writing = true;
    let written = 0;
    const writes = (async () => {
      while (writing) {
        await writer.query(
          `INSERT INTO audit_log (action, result, target_label) VALUES ('login', 'success', $1)`,
          [`备份期间${written}`],
        );
        written += 1;
      }
    })();
    try {
      const backup = await command('backup', ['--out', dir], { DATABASE_URL: sourceUrl });
      writing = false;
      await writes;
      expect(backup.code).toBe(0);
      expect(written).toBeGreaterThan(0);
      const [dump] = readdirSync(dir).filter((name) => name.endsWith('.dump'));
      const target = databaseUrl(`${restoredName}_busy`);
      const restore = await command('restore', [join(dir, dump), '--into', target]);
      expect(restore.stdout).toContain('Every table matches the backup manifest');
      expect(restore.stdout).toContain('Audit chain: OK');
      expect(restore.code).toBe(0);
    } finally {
      writing = false;
      await writes;
      await writer.end();
      await dropDatabase(`${restoredName}_busy`);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
