import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { AppConfig } from '../config/app-config.js';
import { embeddedDatabaseUrl, startEmbeddedDatabase } from './embedded-database.js';

export interface OperatorDatabase {
  url: string;
  /** For messages: the URL without its password. */
  label: string;
  /** Stops the embedded cluster when this command started it; otherwise nothing. */
  close(): Promise<void>;
}

export function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) {
    parsed.password = '***';
  }
  return parsed.toString();
}

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The database an operator command (audit:verify, backup, restore) works on: DATABASE_URL when set,
 * otherwise the embedded database under DATA_DIR — the running app's cluster when it answers on
 * EMBEDDED_DB_PORT, else the cluster started here for the command (and stopped afterwards).
 */
export async function openOperatorDatabase(config: AppConfig): Promise<OperatorDatabase> {
  if (config.databaseUrl) {
    return {
      url: config.databaseUrl,
      label: withoutPassword(config.databaseUrl),
      close: async () => {},
    };
  }
  const url = embeddedDatabaseUrl(config.embeddedDbPort);
  if (await reachable(url)) {
    return {
      url,
      label: `embedded (running, port ${config.embeddedDbPort})`,
      close: async () => {},
    };
  }
  if (!existsSync(join(config.dataDir, 'pg', 'PG_VERSION'))) {
    throw new Error(
      `No database: DATABASE_URL is not set and there is no embedded cluster under ${config.dataDir}/pg ` +
        '(start the app once, or set DATA_DIR).',
    );
  }
  const embedded = await startEmbeddedDatabase({
    dataDir: config.dataDir,
    port: config.embeddedDbPort,
    databaseName: new URL(url).pathname.slice(1),
  });
  return {
    url: embedded.url,
    label: `embedded (${config.dataDir}/pg, started for this command)`,
    close: () => embedded.stop(),
  };
}

/**
 * Runs an operator command and exits with the code it returns; when it fails, prints
 * `<name> failed: <message>` (no stack) and exits with `failureCode`.
 */
export function runOperatorCommand(
  name: string,
  command: () => Promise<number>,
  failureCode = 1,
): void {
  command().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(failureCode);
    },
  );
}
