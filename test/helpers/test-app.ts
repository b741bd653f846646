import type { DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Server } from 'node:http';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/bootstrap.js';
import { loadConfig, type AppConfig } from '../../src/config/app-config.js';
import { cloneTemplateDatabase, databaseUrl, dropDatabase } from './test-database.js';

export interface TestApp {
  app: NestFastifyApplication;
  server: Server;
  dataSource: DataSource;
  config: AppConfig;
  /** The connection URL of this app's database (a second instance can share it). */
  databaseUrl: string;
  close(): Promise<void>;
}

/**
 * The configuration tests start from. Mandatory second-factor enrolment is not enforced
 * (`mfa.enforceEnrolment: false`), so that the many tests logging in office, admin and auditor
 * users made by createUser (not enrolled) reach their pages; enrolled users still give their
 * code. test/e2e/auth-factors.e2e-spec.ts turns enforcement on (mfaEnforced()). The scheduler does
 * not tick by itself in tests.
 */
export function testConfig(): AppConfig {
  const base = loadConfig({ NODE_ENV: 'test' });
  return {
    ...base,
    seedDemo: false,
    mfa: { ...base.mfa, enforceEnrolment: false },
    // Tests run due jobs on demand (SchedulerService.runDue) with their own clock.
    scheduler: { ...base.scheduler, enabled: false },
    // Refused-request counters become audit rows only when a test flushes them (AccessRefusals).
    audit: { ...base.audit, refusalFlushSeconds: 0 },
  };
}

/** testConfig()'s MFA settings with enrolment enforced as in production (plus any changes). */
export function mfaEnforced(changes: Partial<AppConfig['mfa']> = {}): AppConfig['mfa'] {
  return { ...testConfig().mfa, enforceEnrolment: true, ...changes };
}

/** The real app on its own fresh database (cloned from the migrated template), no demo data. */
export async function createTestApp(
  overrides: Partial<AppConfig> = {},
  extraImports: DynamicModule['imports'] = [],
): Promise<TestApp> {
  const databaseName = await cloneTemplateDatabase();
  const config: AppConfig = { ...testConfig(), ...overrides };
  const app = await createApp(config, databaseUrl(databaseName), {
    logLevels: ['error'],
    extraImports,
  });
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    server: app.getHttpServer(),
    dataSource: app.get(DataSource),
    config,
    databaseUrl: databaseUrl(databaseName),
    async close() {
      await app.close();
      await dropDatabase(databaseName);
    },
  };
}
