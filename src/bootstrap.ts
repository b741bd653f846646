import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DynamicModule, LogLevel } from '@nestjs/common';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/app-config.js';
import { configureApp } from './configure-app.js';
import { newRequestId } from './common/http/request-context.js';
import { PasswordHasher } from './auth/password-hasher.js';
import { DatabaseSeeder } from './database/database-seeder.js';
import { migrateAsOwner } from './database/migrate.js';
import { DemoRecordsSeeder } from './demo/demo-records.seeder.js';

/** Builds the whole app (modules, plugins, hooks) ready to listen: used by main.ts and the tests. */
export async function createApp(
  config: AppConfig,
  databaseUrl: string,
  options: { logLevels?: LogLevel[]; extraImports?: DynamicModule['imports'] } = {},
): Promise<NestFastifyApplication> {
  if (config.migrationDatabaseUrl) {
    // As the schema owner, with the app role's grants; the app's connection then finds nothing pending.
    await migrateAsOwner(config.migrationDatabaseUrl, databaseUrl);
  }
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot({ config, databaseUrl, extraImports: options.extraImports }),
    new FastifyAdapter({ trustProxy: config.trustProxy, genReqId: newRequestId }),
    // Our own urlencoded parser (configure-app.ts) keeps repeated fields as arrays.
    { logger: options.logLevels ?? ['warn', 'error'], bodyParser: false },
  );
  await configureApp(app);
  app.enableShutdownHooks();
  await app.init();
  const hasher = app.get(PasswordHasher);
  await app.get(DatabaseSeeder).seed((password) => hasher.hash(password));
  if (config.seedDemo) {
    await app.get(DemoRecordsSeeder).seed();
  }
  return app;
}
