import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import pg from 'pg';
import request from 'supertest';
import { DataSource, type QueryRunner } from 'typeorm';
import { AuditIntegrity1764200000000 } from '../../migrations/1764200000000-audit-integrity.js';
import { verifyAuditChain } from '../../src/audit/audit-chain.js';
import { createApp } from '../../src/bootstrap.js';
import { loadConfig } from '../../src/config/app-config.js';
import { APP_ROLE_SQL_PATH } from '../../src/database/migrate.js';
import { login } from '../helpers/http-session.js';
import { cloneTemplateDatabase, databaseUrl, dropDatabase } from '../helpers/test-database.js';
import { createUser } from '../helpers/users.factory.js';

const APP_ROLE = 'reform_app';

/** What PostgreSQL answered: its SQLSTATE and message, or 'ok'. */
async function attempt(client: pg.Client, sql: string): Promise<string> {
  try {
    await client.query(sql);
    return 'ok';
  } catch (error) {
    const failure = error as { code?: string; message: string };
    return `${failure.code}: ${failure.message}`;
  }
}

describe('The app as the least-privilege role reform_app (ops/roles.sql)', () => {
  let databaseName: string;
  let ownerUrl: string;
  let appUrl: string;
  let owner: pg.Client;
  let asApp: pg.Client;
  let app: NestFastifyApplication;
  let server: Server;

  beforeAll(async () => {
    databaseName = await cloneTemplateDatabase();
    ownerUrl = databaseUrl(databaseName);
    owner = new pg.Client({ connectionString: ownerUrl });
    await owner.connect();
    // The DBA's one step: the login role with its password (cluster-wide, so maybe there already).
    const password = randomBytes(12).toString('hex');
    await owner.query(`DO $$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN
          CREATE ROLE ${APP_ROLE} LOGIN;
        END IF;
      END $$`);
    await owner.query(`ALTER ROLE ${APP_ROLE} PASSWORD '${password}'`);
    const url = new URL(ownerUrl);
    url.username = APP_ROLE;
    url.password = password;
    appUrl = url.toString();

    // Leave the last migration pending, so that start-up has a table to create and grant.
    await owner.query('BEGIN');
    await new AuditIntegrity1764200000000().down({
      query: async (sql: string) => {
        await owner.query(sql);
      },
    } as unknown as QueryRunner);
    await owner.query(`DELETE FROM migrations WHERE name = 'AuditIntegrity1764200000000'`);
    await owner.query('COMMIT');

    const config = {
      ...loadConfig({ NODE_ENV: 'test' }),
      seedDemo: false,
      databaseUrl: appUrl,
      migrationDatabaseUrl: ownerUrl,
    };
    app = await createApp(config, appUrl, { logLevels: ['error'] });
    await app.getHttpAdapter().getInstance().ready();
    server = app.getHttpServer();
    asApp = new pg.Client({ connectionString: appUrl });
    await asApp.connect();
  });

  afterAll(async () => {
    await asApp?.end();
    await app?.close();
    await owner?.end();
    await dropDatabase(databaseName);
  });

  it('should migrate as the owner at start-up, then serve as reform_app: health, login, audit', async () => {
    const applied = await owner.query(`SELECT 1 FROM migrations WHERE name = $1`, [
      'AuditChain1763871600000',
    ]);
    expect(applied.rowCount).toBe(1);
    const [{ user }] = await app
      .get(DataSource)
      .query<{ user: string }[]>('SELECT current_user AS user');
    expect(user).toBe(APP_ROLE);
    expect((await request(server).get('/health')).status).toBe(200);

    const clerk = await createUser(app.get(DataSource), { roles: ['entry'] });
    const session = await login(server, clerk.mobile, clerk.password);
    expect((await session.agent.get('/')).status).toBe(200);
    const audit = await owner.query(
      `SELECT 1 FROM audit_log WHERE actor_id = $1 AND action = 'login'`,
      [clerk.id],
    );
    expect(audit.rowCount).toBe(1);
    expect(await verifyAuditChain(owner)).toMatchObject({ ok: true });
  });

  it('should let reform_app insert audit rows but refuse UPDATE, DELETE and TRUNCATE by privilege, not by the trigger', async () => {
    expect(
      await attempt(asApp, `INSERT INTO audit_log (action, result) VALUES ('login', 'success')`),
    ).toBe('ok');
    for (const sql of [
      `UPDATE audit_log SET action = 'logout'`,
      `DELETE FROM audit_log`,
      `TRUNCATE audit_log`,
    ]) {
      expect(await attempt(asApp, sql)).toBe('42501: permission denied for table audit_log');
    }
    const rights = await owner.query<Record<string, boolean>>(
      `SELECT ${['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']
        .map((right) => `has_table_privilege($1, 'audit_log', '${right}') AS "${right}"`)
        .join(', ')}`,
      [APP_ROLE],
    );
    expect(rights.rows[0]).toEqual({
      SELECT: true,
      INSERT: true,
      UPDATE: false,
      DELETE: false,
      TRUNCATE: false,
      REFERENCES: false,
      TRIGGER: false,
    });
    expect(await verifyAuditChain(owner)).toMatchObject({ ok: true });
  });

  it('should give a forged row inserted as reform_app the database time and the real actor, and keep the chain valid', async () => {
    const clerk = await createUser(app.get(DataSource), { roles: ['entry'], name: '真实的录入员' });
    const forged = await asApp.query<{ id: string }>(
      `INSERT INTO audit_log (at, actor_id, actor_name, actor_mobile, actor_unit_id, actor_unit_name,
                              actor_roles, action, result)
       VALUES ('2025-01-01T00:00:00Z', $1, '冒充的领导', '13900000000', 1, '市委改革办', '{admin}',
               'user_updated', 'success')
       RETURNING id::text`,
      [clerk.id],
    );
    const [row] = (
      await owner.query<{
        recent: boolean;
        actor_name: string;
        actor_mobile: string;
        actor_unit_name: string;
        actor_roles: string[];
      }>(
        `SELECT at > now() - interval '1 minute' AS recent, actor_name, actor_mobile, actor_unit_name, actor_roles
           FROM audit_log WHERE id = $1`,
        [forged.rows[0].id],
      )
    ).rows;
    expect(row).toEqual({
      recent: true,
      actor_name: '真实的录入员',
      actor_mobile: clerk.mobile,
      actor_unit_name: '渝中区',
      actor_roles: ['entry'],
    });
    // Another actor's name without an id: the row stays anonymous.
    const anonymous = await asApp.query<{ actor_name: string | null }>(
      `INSERT INTO audit_log (actor_name, action, result) VALUES ('冒充的领导', 'login', 'success')
       RETURNING actor_name`,
    );
    expect(anonymous.rows[0].actor_name).toBeNull();
    // An id that is no user: refused.
    expect(
      await attempt(
        asApp,
        `INSERT INTO audit_log (actor_id, action, result)
         VALUES ('00000000-0000-4000-8000-000000000000', 'login', 'success')`,
      ),
    ).toBe('23503: audit_log: actor 00000000-0000-4000-8000-000000000000 is not a user');
    expect(await verifyAuditChain(owner)).toMatchObject({ ok: true });
  });

  it('should refuse reform_app the chain head, the migrations table and every schema change', async () => {
    expect(await attempt(asApp, `UPDATE audit_chain_head SET last_seq = 0`)).toBe(
      '42501: permission denied for table audit_chain_head',
    );
    expect(await attempt(asApp, `INSERT INTO migrations (timestamp, name) VALUES (1, 'x')`)).toBe(
      '42501: permission denied for table migrations',
    );
    expect(await attempt(asApp, `TRUNCATE sessions`)).toBe(
      '42501: permission denied for table sessions',
    );
    expect(await attempt(asApp, `CREATE TABLE intruder (id int)`)).toBe(
      '42501: permission denied for schema public',
    );
    expect(await attempt(asApp, `ALTER TABLE users ADD COLUMN intruder int`)).toBe(
      '42501: must be owner of table users',
    );
    expect(await attempt(asApp, `DROP TABLE attachments`)).toBe(
      '42501: must be owner of table attachments',
    );
    expect(
      await attempt(asApp, `ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete`),
    ).toBe('42501: must be owner of table audit_log');
  });

  it('should give reform_app the ordinary rights on business tables', async () => {
    await asApp.query('BEGIN');
    try {
      const updated = await asApp.query(`UPDATE units SET sort_order = sort_order WHERE id > 0`);
      expect(updated.rowCount).toBeGreaterThan(40);
      expect(await attempt(asApp, `DELETE FROM sessions`)).toBe('ok');
      expect(await attempt(asApp, `DELETE FROM rate_limit_buckets`)).toBe('ok');
    } finally {
      await asApp.query('ROLLBACK');
    }
  });

  it('ops/roles.sql run by hand again should take back rights granted by hand', async () => {
    await owner.query(`GRANT UPDATE, DELETE, TRUNCATE ON audit_log TO ${APP_ROLE}`);
    expect(await attempt(asApp, `DELETE FROM audit_log WHERE false`)).toBe('ok');
    await owner.query(readFileSync(APP_ROLE_SQL_PATH, 'utf8'));
    expect(await attempt(asApp, `DELETE FROM audit_log WHERE false`)).toBe(
      '42501: permission denied for table audit_log',
    );
    expect(await attempt(asApp, `TRUNCATE audit_log`)).toBe(
      '42501: permission denied for table audit_log',
    );
  });
});
