import { loadConfig } from './config/app-config.js';
import { createApp } from './bootstrap.js';
import {
  EMBEDDED_DATABASE_NAME,
  startEmbeddedDatabase,
  type EmbeddedDatabase,
} from './database/embedded-database.js';
import { DEMO_USERS } from './database/seed/demo-people.js';
import { DEPARTMENT_UNITS, DISTRICT_UNITS, OFFICE_UNIT } from './database/seed/reference-data.js';
import { DEMO_PASSWORD } from './database/seed/seed-demo-data.js';
import { isPortFree, StartupError, startupFailureMessage } from './database/startup-failure.js';
import { ROLE_LABELS } from './auth/roles.js';
import pg from 'pg';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

const config = (() => {
  try {
    return loadConfig();
  } catch (error) {
    // A bad setting (PORT=abc, a short MFA_ENCRYPTION_KEY): its sentence, no stack.
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
})();
let embedded: EmbeddedDatabase | undefined;
let databaseUrl = config.databaseUrl;
if (!databaseUrl && config.production) {
  console.error(
    'DATABASE_URL is required in production (the embedded PostgreSQL is for development).',
  );
  process.exit(1);
}
if (config.mfa.developmentKey) {
  if (config.production) {
    console.error(
      'MFA_ENCRYPTION_KEY is required in production: 32 random bytes as 64 hex digits (openssl rand -hex 32).',
    );
    process.exit(1);
  }
  console.warn(
    'MFA_ENCRYPTION_KEY is not set: TOTP secrets are encrypted with a fixed development key (never do this in production).',
  );
}
let app: NestFastifyApplication | undefined;
try {
  // Before anything starts: Nest would log the bind error with a stack of its own.
  if (!(await isPortFree(config.port, config.host))) {
    throw new StartupError(
      `Port ${config.port} is already in use by another program: stop that program or set PORT to a free port.`,
    );
  }
  if (!databaseUrl) {
    console.log(
      `Starting the embedded PostgreSQL under ${config.dataDir}/pg (port ${config.embeddedDbPort}) …`,
    );
    embedded = await startEmbeddedDatabase({
      dataDir: config.dataDir,
      port: config.embeddedDbPort,
      databaseName: EMBEDDED_DATABASE_NAME,
    });
    databaseUrl = embedded.url;
  } else {
    await checkDatabaseReachable(databaseUrl);
  }
  app = await createApp(config, databaseUrl);
  await app.listen({ port: config.port, host: config.host });
} catch (error) {
  // One sentence, then exit 1: a stack trace (or "undefined") tells an operator nothing.
  console.error(
    startupFailureMessage(error, {
      port: config.port,
      dataDir: config.dataDir,
      embeddedDbPort: embedded ? config.embeddedDbPort : undefined,
      databaseUrl: config.databaseUrl,
    }),
  );
  await app?.close().catch(() => undefined);
  await embedded?.stop().catch(() => undefined);
  process.exit(1);
}

/** Connects once before Nest does: TypeORM would retry for half a minute and print stacks. */
async function checkDatabaseReachable(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } finally {
    await client.end().catch(() => undefined);
  }
}

const shutdown = async (): Promise<void> => {
  await app?.close();
  await embedded?.stop();
  process.exit(0);
};
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());

const url = `http://localhost:${config.port}/`;
console.log(`\n改革报表填报系统 is running at ${url}`);
if (config.seedDemo) {
  const unitNames = new Map(
    [OFFICE_UNIT, ...DISTRICT_UNITS, ...DEPARTMENT_UNITS].map((unit) => [unit.code, unit.name]),
  );
  console.log(`Demo logins (password for all: ${DEMO_PASSWORD}):`);
  console.log(
    '  (市委改革办审核人员, 系统管理员 and 审计管理员 enrol an authenticator app at their first login: see the README)',
  );
  for (const user of DEMO_USERS) {
    const roles = user.roles.map((role: keyof typeof ROLE_LABELS) => ROLE_LABELS[role]).join('、');
    console.log(
      `  ${user.mobile}  ${user.name}  ${unitNames.get(user.unitCode) ?? user.unitCode} · ${roles}`,
    );
  }
}
