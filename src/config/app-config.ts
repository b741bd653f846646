/**
 * Typed application configuration. Nothing else in the app reads process.env.
 */
export interface AppConfig {
  port: number;
  host: string;
  /** Undefined means: start the embedded PostgreSQL under dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  embeddedDbPort: number;
  production: boolean;
  /** Send cookies with Secure and the __Host- prefix (set when served over TLS). */
  secureCookies: boolean;
  trustProxy: boolean;
  session: { idleMinutes: number; absoluteHours: number };
  password: { initial: string; minLength: number };
  lockout: { maxFailures: number; lockMinutes: number };
  loginRateLimit: { maxPerWindow: number; windowSeconds: number };
  upload: { maxFileBytes: number };
  audit: { retentionDays: number };
  /** 成效晾晒: the first day that counts (YYYY-MM-DD); undefined means 1 January of the current year. */
  evaluationYearStart: string | undefined;
  /** Load demo users and records on the first start of an empty database. */
  seedDemo: boolean;
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

function flagFrom(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  return ['1', 'true', 'yes', 'on'].includes(raw.toLowerCase());
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const production = env.NODE_ENV === 'production';
  return {
    port: intFrom(env, 'PORT', 3000),
    host: env.HOST ?? '0.0.0.0',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.DATA_DIR ?? './data',
    embeddedDbPort: intFrom(env, 'EMBEDDED_DB_PORT', 54329),
    production,
    secureCookies: flagFrom(env, 'SECURE_COOKIES', false),
    trustProxy: flagFrom(env, 'TRUST_PROXY', false),
    session: {
      idleMinutes: intFrom(env, 'SESSION_IDLE_MINUTES', 30),
      absoluteHours: intFrom(env, 'SESSION_ABSOLUTE_HOURS', 12),
    },
    password: { initial: env.INITIAL_PASSWORD ?? '123456', minLength: 8 },
    lockout: {
      maxFailures: intFrom(env, 'LOCKOUT_MAX_FAILURES', 5),
      lockMinutes: intFrom(env, 'LOCKOUT_MINUTES', 15),
    },
    loginRateLimit: {
      maxPerWindow: intFrom(env, 'LOGIN_RATE_LIMIT', 30),
      windowSeconds: intFrom(env, 'LOGIN_RATE_WINDOW_SECONDS', 300),
    },
    upload: { maxFileBytes: intFrom(env, 'UPLOAD_MAX_MB', 20) * 1024 * 1024 },
    audit: { retentionDays: Math.max(184, intFrom(env, 'AUDIT_RETENTION_DAYS', 184)) },
    evaluationYearStart: /^\d{4}-\d{2}-\d{2}$/.test(env.EVALUATION_YEAR_START ?? '')
      ? env.EVALUATION_YEAR_START
      : undefined,
    seedDemo: flagFrom(env, 'SEED_DEMO', true),
    benchEventLoop: flagFrom(env, 'BENCH_EVENT_LOOP', false),
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
