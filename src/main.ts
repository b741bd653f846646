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
import { ROLE_LABELS } from './auth/roles.js';

const config = loadConfig();
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
}

const app = await createApp(config, databaseUrl);
await app.listen({ port: config.port, host: config.host });

const shutdown = async (): Promise<void> => {
  await app.close();
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
