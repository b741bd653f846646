import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import type { QueryRunner } from 'typeorm';
import { AuditChain1763871600000 } from '../../migrations/1763871600000-audit-chain.js';
import { AuditIntegrity1764200000000 } from '../../migrations/1764200000000-audit-integrity.js';
import { GENESIS_HASH, verifyAuditChain } from '../../src/audit/audit-chain.js';
import { anonymousSession, login } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser } from '../helpers/users.factory.js';

const run = promisify(execFile);

/**
 * Runs `npm run audit:verify` (compiles, then runs) or, once compiled, its output directly, against
 * the test database: what it printed and its exit code.
 */
async function auditVerifyCommand(
  url: string,
  how: 'npm' | 'compiled',
): Promise<{ code: number; stdout: string }> {
  const [command, args] =
    how === 'npm'
      ? ['npm', ['run', '-s', 'audit:verify']]
      : [process.execPath, ['dist/ops/audit/cli/audit-verify-cli.js']];
  try {
    const { stdout } = await run(command, args, {
      env: { ...process.env, DATABASE_URL: url, NODE_OPTIONS: '' },
    });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout + failed.stderr };
  }
}

describe('Audit log hash chain (real PostgreSQL)', () => {
  let testApp: TestApp;
  let url: string;
  /** A superuser connection (the test cluster's owner), as an attacker with full rights. */
  let superuser: pg.Client;

  const ids = async (): Promise<string[]> =>
    (
      await superuser.query<{ id: string }>(`SELECT id::text FROM audit_log ORDER BY chain_seq`)
    ).rows.map((row) => row.id);

  /** Runs a tampering step and the verifier in one transaction that is rolled back afterwards. */
  const tampered = async (sql: string, params: unknown[] = []) => {
    await superuser.query('BEGIN');
    try {
      await superuser.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete');
      await superuser.query(sql, params);
      return await verifyAuditChain(superuser);
    } finally {
      await superuser.query('ROLLBACK');
    }
  };

  beforeAll(async () => {
    testApp = await createTestApp();
    url = (testApp.dataSource.options as { url: string }).url;
    superuser = new pg.Client({ connectionString: url });
    await superuser.connect();
    // Audit rows written by the app itself: logins and a failed login.
    for (let i = 0; i < 3; i += 1) {
      const user = await createUser(testApp.dataSource, { roles: ['entry'], name: `链测${i}` });
      await login(testApp.server, user.mobile, user.password);
      const failed = await anonymousSession(testApp.server);
      await failed.post('/login', { mobile: user.mobile, password: 'Wrong@Pass9' });
    }
  });

  afterAll(async () => {
    await superuser.end();
    await testApp.close();
  });

  it('should chain every row the app writes, from the genesis hash, and verify OK', async () => {
    const rows = (
      await superuser.query<{ chain_seq: string; prev_hash: string; row_hash: string }>(
        `SELECT chain_seq::text, prev_hash, row_hash FROM audit_log ORDER BY chain_seq`,
      )
    ).rows;
    expect(rows.length).toBeGreaterThanOrEqual(6);
    expect(rows[0]).toMatchObject({ chain_seq: '1', prev_hash: GENESIS_HASH });
    rows.slice(1).forEach((row, index) => {
      expect(row.chain_seq).toBe(String(index + 2));
      expect(row.prev_hash).toBe(rows[index].row_hash);
    });
    const verification = await verifyAuditChain(superuser);
    expect(verification).toMatchObject({ ok: true, rows: rows.length, firstSeq: '1' });
    expect(verification.headHash).toBe(rows.at(-1)!.row_hash);
  });

  it('should ignore chain values a writer supplies and recompute them', async () => {
    await superuser.query(
      `INSERT INTO audit_log (action, result, chain_seq, prev_hash, row_hash)
       VALUES ('login', 'success', 999, $1, $1)`,
      ['f'.repeat(64)],
    );
    expect((await verifyAuditChain(superuser)).ok).toBe(true);
  });

  it('should keep one unforked chain under 40 concurrent writers, some rolling back', async () => {
    const before = (await verifyAuditChain(superuser)).rows;
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    try {
      await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          const client = await pool.connect();
          try {
            await client.query('BEGIN');
            await client.query(
              `INSERT INTO audit_log (action, result, target_label) VALUES ('login', 'success', $1)`,
              [`并发${i}`],
            );
            await client.query('SELECT pg_sleep($1)', [(i % 5) / 500]);
            await client.query(i % 8 === 7 ? 'ROLLBACK' : 'COMMIT');
          } finally {
            client.release();
          }
        }),
      );
    } finally {
      await pool.end();
    }
    const verification = await verifyAuditChain(superuser);
    expect(verification).toMatchObject({ ok: true, rows: before + 35 });
  });

  it('should name the row whose content was changed', async () => {
    const target = (await ids())[3];
    const verification = await tampered(
      `UPDATE audit_log SET target_label = '改过的' WHERE id = $1`,
      [target],
    );
    expect(verification.ok).toBe(false);
    expect(verification.broken).toMatchObject({ id: target, chainSeq: '4' });
    expect(verification.broken!.reason).toMatch(/^content changed/);
    expect(verification.rows).toBe(3);
  });

  it('should name the next row when a changed row also got its own hash recomputed', async () => {
    const [, , forged, next] = await ids();
    // Two statements: in one UPDATE, audit_log_row_hash(a) would still see the old content.
    const verification = await tampered(
      `UPDATE audit_log SET action = 'logout' WHERE id = ${Number(forged)};
       UPDATE audit_log a SET row_hash = audit_log_row_hash(a) WHERE id = ${Number(forged)}`,
    );
    expect(verification.broken).toMatchObject({ id: next, chainSeq: '4' });
    expect(verification.broken!.reason).toContain(`of the row before it (id ${forged})`);
  });

  it('should name the row after a deleted one, and the last row when the tail was deleted', async () => {
    const all = await ids();
    const middle = await tampered(`DELETE FROM audit_log WHERE id = $1`, [all[2]]);
    expect(middle.broken).toMatchObject({ id: all[3], chainSeq: '4' });
    expect(middle.broken!.reason).toContain('row(s) 3–3 are missing');
    const tail = await tampered(`DELETE FROM audit_log WHERE chain_seq > 5`);
    expect(tail.broken).toMatchObject({ id: all[4], chainSeq: '5' });
    expect(tail.broken!.reason).toContain('is not the chain head');
  });

  it('should accept a chain whose oldest rows were purged after the retention period', async () => {
    const verification = await tampered(`DELETE FROM audit_log WHERE chain_seq <= 2`);
    expect(verification).toMatchObject({ ok: true, firstSeq: '3' });
  });

  it('should chain the rows present when the migration runs, in id order', async () => {
    await superuser.query('BEGIN');
    try {
      const runner = {
        query: async (sql: string, params?: unknown[]): Promise<unknown[]> => {
          const result = await superuser.query<Record<string, unknown>>(sql, params);
          return result.rows;
        },
      } as unknown as QueryRunner;
      const migration = new AuditChain1763871600000();
      // The later migration that builds on the chain comes off first and goes back on last.
      const integrity = new AuditIntegrity1764200000000();
      await integrity.down(runner);
      await migration.down(runner);
      await superuser.query(
        `INSERT INTO audit_log (action, result, target_label) VALUES ('login', 'success', '迁移前')`,
      );
      await migration.up(runner);
      await integrity.up(runner);
      const verification = await verifyAuditChain(superuser);
      const count = await superuser.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_log`,
      );
      expect(verification).toMatchObject({ ok: true, rows: count.rows[0].n });
      const order = await superuser.query<{ ordered: boolean }>(
        `SELECT bool_and(ordered) AS ordered FROM (
           SELECT chain_seq = row_number() OVER (ORDER BY id) AS ordered FROM audit_log) s`,
      );
      expect(order.rows[0].ordered).toBe(true);
    } finally {
      await superuser.query('ROLLBACK');
    }
  });

  /**
   * Appends a row around every trigger (as a superuser can), with valid chain links and hashes but
   * a time before the last row's; returns its id. Undo with removeForgedTail.
   */
  const appendBackdatedRow = async (): Promise<string> => {
    await superuser.query('BEGIN');
    await superuser.query(`SET LOCAL session_replication_role = replica`);
    const inserted = await superuser.query<{ id: string }>(
      `INSERT INTO audit_log (at, action, result, target_label, chain_seq, prev_hash, row_hash)
       SELECT '2020-01-01T00:00:00Z', 'login', 'success', '倒填时间', last_seq + 1, last_hash, $1
         FROM audit_chain_head
       RETURNING id::text`,
      [GENESIS_HASH],
    );
    const id = inserted.rows[0].id;
    await superuser.query(`UPDATE audit_log a SET row_hash = audit_log_row_hash(a) WHERE id = $1`, [
      id,
    ]);
    await superuser.query(
      `UPDATE audit_chain_head h SET last_seq = a.chain_seq, last_id = a.id, last_hash = a.row_hash
         FROM audit_log a WHERE a.id = $1`,
      [id],
    );
    await superuser.query('COMMIT');
    return id;
  };

  const removeForgedTail = async (id: string): Promise<void> => {
    await superuser.query('BEGIN');
    await superuser.query(`SET LOCAL session_replication_role = replica`);
    await superuser.query(`DELETE FROM audit_log WHERE id = $1`, [id]);
    await superuser.query(
      `UPDATE audit_chain_head h SET last_seq = a.chain_seq, last_id = a.id, last_hash = a.row_hash
         FROM audit_log a WHERE a.chain_seq = (SELECT max(chain_seq) FROM audit_log)`,
    );
    await superuser.query('COMMIT');
  };

  it('should stamp the database time on every row, whatever time the writer gives', async () => {
    const inserted = await superuser.query<{ recent: boolean }>(
      `INSERT INTO audit_log (at, action, result) VALUES ('2020-01-01T00:00:00Z', 'login', 'success')
       RETURNING at > now() - interval '1 minute' AS recent`,
    );
    expect(inserted.rows[0].recent).toBe(true);
    expect((await verifyAuditChain(superuser)).ok).toBe(true);
  });

  it('npm run audit:verify should flag a row whose time runs backwards, though its links and hash hold', async () => {
    const forged = await appendBackdatedRow();
    try {
      const verification = await verifyAuditChain(superuser);
      expect(verification.ok).toBe(false);
      expect(verification.broken).toMatchObject({ id: forged });
      expect(verification.broken!.reason).toMatch(/^time runs backwards: 2020-01-01T00:00:00/);
      const command = await auditVerifyCommand(url, 'npm');
      expect(command.code).toBe(1);
      expect(command.stdout).toContain(`BROKEN at audit_log id ${forged}`);
      expect(command.stdout).toContain('time runs backwards');
    } finally {
      await removeForgedTail(forged);
    }
    expect((await verifyAuditChain(superuser)).ok).toBe(true);
  });

  it('npm run audit:verify should print OK n rows, then name the tampered row with exit code 1', async () => {
    const ok = await auditVerifyCommand(url, 'npm');
    const count = (await superuser.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log`))
      .rows[0].n;
    expect(ok.stdout).toContain(`OK ${count} rows`);
    expect(ok.code).toBe(0);

    const target = (await ids())[1];
    await superuser.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete');
    await superuser.query(`UPDATE audit_log SET ip = '10.0.0.66' WHERE id = $1`, [target]);
    await superuser.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete');
    const broken = await auditVerifyCommand(url, 'compiled');
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(`BROKEN at audit_log id ${target} (chain_seq 2, at `);
    expect(broken.stdout).toContain('content changed');
  });
});
