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

/** The real app on its own fresh database (cloned from the migrated template), no demo data. */
export async function createTestApp(
  overrides: Partial<AppConfig> = {},
  extraImports: DynamicModule['imports'] = [],
): Promise<TestApp> {
  const databaseName = await cloneTemplateDatabase();
  const config: AppConfig = { ...loadConfig({ NODE_ENV: 'test' }), seedDemo: false, ...overrides };
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
