import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pg from 'pg';
import { pathToFileURL } from 'node:url';
import type { AuthUser } from '../src/auth/auth-context.js';
import { PasswordHasher } from '../src/auth/password-hasher.js';
import type { RoleCode } from '../src/auth/roles.js';
import { createApp } from '../src/bootstrap.js';
import { chinaDate } from '../src/common/time/china-time.js';
import { loadConfig } from '../src/config/app-config.js';
import { recentPeriods } from '../src/scoring/reports/report-periods.js';
import { ReportsService } from '../src/scoring/reports/reports.service.js';
import type { UnitCapability, UnitKind } from '../src/units/unit-kinds.js';
import {
  parseArgs,
  positiveIntOption,
  recreateDatabase,
  scaleDatabaseName,
  SCALE_DB_PORT,
  startScaleCluster,
  withDatabase,
} from './scale-database.js';
import { SCALE_PASSWORD, seedScale, type ScaleSeedCounts } from './scale-seeder.js';

export interface ScaleSeedResult {
  counts: ScaleSeedCounts;
  reports: { period: string; ms: number }[];
  seconds: number;
}

/** The office reviewer who generates reports, as the services see a logged-in user. */
export async function officeUser(client: pg.Client | pg.Pool): Promise<AuthUser> {
  const result = await client.query<{
    id: string;
    name: string;
    mobile: string;
    roles: RoleCode[];
    unit_id: number;
    unit_name: string;
    unit_kind: UnitKind;
    capabilities: UnitCapability[];
  }>(
    `SELECT u.id, u.name, u.mobile, u.roles, un.id AS unit_id, un.name AS unit_name, un.kind AS unit_kind, un.capabilities
       FROM users u JOIN units un ON un.id = u.unit_id
      WHERE 'office' = ANY(u.roles) AND un.kind = 'office' ORDER BY u.mobile LIMIT 1`,
  );
  const row = result.rows[0];
  return {
    id: row.id,
    name: row.name,
    mobile: row.mobile,
    roles: row.roles,
    unitId: row.unit_id,
    unitName: row.unit_name,
    unitKind: row.unit_kind,
    unitCapabilities: row.capabilities,
    mustChangePassword: false,
  };
}

/** The last finished quarters, oldest first: the periods the scale database has reports for. */
export function reportQuarters(count: number, today = chinaDate(new Date())): string[] {
  return recentPeriods('district', today, count + 1)
    .slice(1)
    .map((period) => period.code)
    .reverse();
}

/**
 * Migrates an empty database and loads the reference data (the app's own bootstrap), fills it
 * with `records` records in bulk SQL, then generates district reports through the app's
 * ReportsService.
 */
export async function seedScaleDatabase(
  databaseUrl: string,
  records: number,
  log: (message: string) => void = console.log,
): Promise<ScaleSeedResult> {
  const started = performance.now();
  log('Migrating and loading the reference data …');
  const app: NestFastifyApplication = await createApp(
    { ...loadConfig({}), seedDemo: false },
    databaseUrl,
    { logLevels: ['error'] },
  );
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const passwordHash = await app.get(PasswordHasher).hash(SCALE_PASSWORD);
    log(`Filling ${records} records in bulk …`);
    const counts = await seedScale(client, { records, passwordHash, log });
    log('Generating district reports …');
    const office = await officeUser(client);
    const reports: { period: string; ms: number }[] = [];
    for (const period of reportQuarters(4)) {
      const reportStarted = performance.now();
      await app.get(ReportsService).generate('district', period, office);
      const ms = Math.round(performance.now() - reportStarted);
      reports.push({ period, ms });
      log(`  report ${period}: ${ms} ms`);
    }
    counts.reports = reports.length;
    return { counts, reports, seconds: (performance.now() - started) / 1000 };
  } finally {
    await client.end();
    await app.close();
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const records = positiveIntOption(options, 'records', 100_000);
  const explicitUrl = options.get('database-url') ?? process.env.DATABASE_URL;
  let databaseUrl = explicitUrl;
  let stop: (() => Promise<void>) | undefined;
  if (!databaseUrl) {
    const dataDir = options.get('data-dir') ?? './data-scale';
    console.log(`Starting the scale PostgreSQL under ${dataDir}/pg …`);
    const cluster = await startScaleCluster(
      dataDir,
      positiveIntOption(options, 'db-port', SCALE_DB_PORT),
    );
    stop = () => cluster.stop();
    const name = scaleDatabaseName(records);
    await recreateDatabase(cluster.url, name);
    databaseUrl = withDatabase(cluster.url, name);
  }
  try {
    const result = await seedScaleDatabase(databaseUrl, records);
    console.log(`\nSeeded ${redact(databaseUrl)} in ${result.seconds.toFixed(1)} s:`);
    for (const [table, count] of Object.entries(result.counts)) {
      console.log(`  ${table.padEnd(32)} ${String(count).padStart(9)}`);
    }
    console.log(`Every user's password: ${SCALE_PASSWORD}`);
  } finally {
    await stop?.();
  }
}

function redact(url: string): string {
  const parsed = new URL(url);
  parsed.password = parsed.password ? '***' : '';
  return parsed.toString();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
