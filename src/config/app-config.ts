import { createHash } from 'node:crypto';

/**
 * Typed application configuration. Nothing else in the app reads process.env.
 */
export interface AppConfig {
  port: number;
  host: string;
  /** Undefined means: start the embedded PostgreSQL under dataDir. */
  databaseUrl: string | undefined;
  /**
   * The schema owner's URL, when the app itself connects as a least-privilege role (ops/roles.sql):
   * migrations run with it at start-up, then the app uses databaseUrl only.
   */
  migrationDatabaseUrl: string | undefined;
  dataDir: string;
  embeddedDbPort: number;
  production: boolean;
  /** Send cookies with Secure and the __Host- prefix (set when served over TLS). */
  secureCookies: boolean;
  trustProxy: boolean;
  session: { idleMinutes: number; absoluteHours: number };
  /**
   * maxAgeDays: a password older than this must be changed (0: never expires). minLength is 8
   * unless PASSWORD_MIN_LENGTH raises it (never lower: the other rules stay as they are).
   */
  password: { initial: string; minLength: number; maxAgeDays: number };
  /**
   * Second factor (TOTP). Mandatory for office, admin and auditor users, for everyone with
   * requiredForAll, optional for the others. enforceEnrolment is false only in tests that log in
   * users who have not enrolled; enrolled users always give their code. encryptionKey (32 bytes)
   * encrypts the TOTP secrets at rest and keys the recovery-code hashes.
   */
  mfa: {
    requiredForAll: boolean;
    enforceEnrolment: boolean;
    encryptionKey: Buffer;
    /** True when no MFA_ENCRYPTION_KEY was given and a fixed development key is used. */
    developmentKey: boolean;
    issuer: string;
  };
  lockout: { maxFailures: number; lockMinutes: number };
  loginRateLimit: { maxPerWindow: number; windowSeconds: number };
  upload: {
    maxFileBytes: number;
    /** Uploads one user may hold that no saved record uses yet (default 50 files, 200 MB). */
    maxUnlinkedFiles?: number;
    maxUnlinkedBytes?: number;
  };
  /**
   * refusalFlushSeconds: how often refused-request counters become audit rows (0: never by a
   * timer; the tests flush by hand so that no row lands in the middle of another test).
   */
  audit: { retentionDays: number; refusalFlushSeconds: number };
  /** 成效晾晒: the first day that counts (YYYY-MM-DD); undefined means 1 January of the current year. */
  evaluationYearStart: string | undefined;
  /** Load demo users and records on the first start of an empty database. */
  seedDemo: boolean;
  /**
   * The in-app scheduler (reminders, automatic reports): every instance ticks every tickSeconds
   * and claims due jobs in the database, so they run once across instances. Off in tests, which
   * run due jobs on demand (SchedulerService.runDue).
   */
  scheduler: { enabled: boolean; tickSeconds: number };
  /** Benchmarks only (BENCH_EVENT_LOOP=1): the event-loop delay at /_bench/event-loop (loopback). */
  benchEventLoop: boolean;
}

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`Environment variable ${name} must be a non-negative integer, got "${raw}"`);
  }
  return value;
}

/** The development key: derived from a fixed, public value, so refused in production. */
const DEVELOPMENT_MFA_KEY_SOURCE = 'reform-report development MFA key (not secret)';

/**
 * MFA_ENCRYPTION_KEY: 32 bytes as 64 hex digits or base64. Without it a key derived from a fixed
 * development value is used and `developmentKey` is set: main.ts refuses to start so in production.
 */
function mfaKeyFrom(env: NodeJS.ProcessEnv): { key: Buffer; development: boolean } {
  const raw = env.MFA_ENCRYPTION_KEY?.trim();
  if (!raw) {
    return {
      key: createHash('sha256').update(DEVELOPMENT_MFA_KEY_SOURCE).digest(),
      development: true,
    };
  }
  const key = /^[0-9a-f]{64}$/i.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  if (key.length !== 32) {
    throw new Error('MFA_ENCRYPTION_KEY must be 32 bytes: 64 hex digits or base64 of 32 bytes');
  }
  return { key, development: false };
}

function flagFrom(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  return ['1', 'true', 'yes', 'on'].includes(raw.toLowerCase());
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const production = env.NODE_ENV === 'production';
  const mfaKey = mfaKeyFrom(env);
  return {
    port: intFrom(env, 'PORT', 3000),
    host: env.HOST ?? '0.0.0.0',
    databaseUrl: env.DATABASE_URL || undefined,
    migrationDatabaseUrl: env.MIGRATION_DATABASE_URL || undefined,
    dataDir: env.DATA_DIR ?? './data',
    embeddedDbPort: intFrom(env, 'EMBEDDED_DB_PORT', 54329),
    production,
    secureCookies: flagFrom(env, 'SECURE_COOKIES', false),
    trustProxy: flagFrom(env, 'TRUST_PROXY', false),
    session: {
      idleMinutes: intFrom(env, 'SESSION_IDLE_MINUTES', 30),
      absoluteHours: intFrom(env, 'SESSION_ABSOLUTE_HOURS', 12),
    },
    password: {
      initial: env.INITIAL_PASSWORD ?? '123456',
      minLength: Math.min(64, Math.max(8, intFrom(env, 'PASSWORD_MIN_LENGTH', 8))),
      maxAgeDays: intFrom(env, 'PASSWORD_MAX_AGE_DAYS', 90),
    },
    mfa: {
      requiredForAll: flagFrom(env, 'MFA_REQUIRED_FOR_ALL', false),
      enforceEnrolment: true,
      encryptionKey: mfaKey.key,
      developmentKey: mfaKey.development,
      issuer: env.MFA_ISSUER?.trim() || '改革报表',
    },
    lockout: {
      maxFailures: intFrom(env, 'LOCKOUT_MAX_FAILURES', 5),
      lockMinutes: intFrom(env, 'LOCKOUT_MINUTES', 15),
    },
    loginRateLimit: {
      maxPerWindow: intFrom(env, 'LOGIN_RATE_LIMIT', 30),
      windowSeconds: intFrom(env, 'LOGIN_RATE_WINDOW_SECONDS', 300),
    },
    upload: {
      maxFileBytes: intFrom(env, 'UPLOAD_MAX_MB', 20) * 1024 * 1024,
      maxUnlinkedFiles: intFrom(env, 'UPLOAD_MAX_UNLINKED_FILES', 50),
      maxUnlinkedBytes: intFrom(env, 'UPLOAD_MAX_UNLINKED_MB', 200) * 1024 * 1024,
    },
    audit: {
      retentionDays: Math.max(184, intFrom(env, 'AUDIT_RETENTION_DAYS', 184)),
      refusalFlushSeconds: intFrom(env, 'AUDIT_REFUSAL_FLUSH_SECONDS', 60),
    },
    evaluationYearStart: /^\d{4}-\d{2}-\d{2}$/.test(env.EVALUATION_YEAR_START ?? '')
      ? env.EVALUATION_YEAR_START
      : undefined,
    seedDemo: flagFrom(env, 'SEED_DEMO', true),
    scheduler: {
      enabled: flagFrom(env, 'SCHEDULER_ENABLED', true),
      tickSeconds: Math.max(5, intFrom(env, 'SCHEDULER_TICK_SECONDS', 60)),
    },
    benchEventLoop: flagFrom(env, 'BENCH_EVENT_LOOP', false),
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
