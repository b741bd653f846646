import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { embeddedDatabaseUrl } from '../../src/database/embedded-database.js';
import { freePort } from '../helpers/test-database.js';

const BUILD_DIR = '.test-build-start';

interface Started {
  child: ChildProcess;
  output: () => string;
  /** What it printed on stderr alone (stdout and stderr chunks may arrive in any order). */
  errors: () => string;
  /** The exit code once the process has ended. */
  exited: Promise<number | null>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * `npm start` after the app was killed with SIGKILL (or the power went): the embedded PostgreSQL
 * the dead app left running on the data directory is stopped cleanly and the app comes back on the
 * same data; a stale lock file is removed; and a start that cannot work (directory used by a
 * running copy, port taken, a DATABASE_URL that leads nowhere) prints one sentence and exits 1.
 * The app runs as a real child process (compiled once to .test-build-start).
 */
describe('Start-up after kill -9, and start-up failures', () => {
  let dataDir: string;
  let dbPort: number;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    await promisify(execFile)(
      'npx',
      [
        'tsc',
        '-p',
        'tsconfig.build.json',
        '--outDir',
        BUILD_DIR,
        '--incremental',
        '--tsBuildInfoFile',
        `${BUILD_DIR}/.tsbuildinfo`,
      ],
      { cwd: process.cwd() },
    );
    dataDir = mkdtempSync(join(tmpdir(), 'reform-start-'));
    chmodSync(dataDir, 0o755); // the postgres user (when run as root) must reach its data directory
    dbPort = await freePort();
  }, 900_000);

  afterAll(async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await new Promise((done) => child.once('exit', done));
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(`${dataDir}-unused`, { recursive: true, force: true });
  });

  const start = (env: Record<string, string>): Started => {
    const child = spawn('node', [`${BUILD_DIR}/src/main.js`], {
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        DATABASE_URL: '',
        DATA_DIR: dataDir,
        EMBEDDED_DB_PORT: String(dbPort),
        HOST: '127.0.0.1',
        SEED_DEMO: '0',
        NODE_ENV: 'development',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      errors += chunk.toString();
    });
    // 'close', not 'exit': by then everything the process printed has been read.
    const exited = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
    return { child, output: () => output, errors: () => errors, exited };
  };

  /** Waits until /health answers 200, or the process ends (a start-up budget, no speed goal). */
  const ready = async (started: Started, port: number): Promise<boolean> => {
    let ended = false;
    void started.exited.then(() => (ended = true));
    const deadline = Date.now() + 180_000;
    while (!ended && Date.now() < deadline) {
      const ok = await fetch(`http://127.0.0.1:${port}/health`)
        .then((response) => response.ok)
        .catch(() => false);
      if (ok) {
        return true;
      }
      await new Promise((done) => setTimeout(done, 250));
    }
    return false;
  };

  const serverPid = (): number =>
    Number(readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);

  const query = async <T>(sql: string): Promise<T[]> => {
    const client = new pg.Client({ connectionString: embeddedDatabaseUrl(dbPort) });
    await client.connect();
    try {
      return (await client.query(sql)).rows as T[];
    } finally {
      await client.end();
    }
  };

  /** The last line printed on stderr, and that the process ended with 1. */
  const failure = async (started: Started): Promise<{ code: number | null; last: string }> => {
    const code = await started.exited;
    const lines = started
      .errors()
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    const last = lines[lines.length - 1] ?? '';
    if (code !== 1 || !/\.$/.test(last)) {
      console.log(`start-up output:\n${started.output()}`);
    }
    return { code, last };
  };

  it('should come back on its data after kill -9, and refuse what cannot work in one sentence', async () => {
    const port = await freePort();
    const first = start({ PORT: String(port) });
    expect(await ready(first, port)).toBe(true);
    await query('CREATE TABLE kill_marker (n int); INSERT INTO kill_marker VALUES (42)');

    // While it runs, a second copy on the same directory is refused.
    const otherPort = await freePort();
    const second = await failure(
      start({ PORT: String(otherPort), EMBEDDED_DB_PORT: String(await freePort()) }),
    );
    expect(second.code).toBe(1);
    expect(second.last).toMatch(/is in use by another running copy of the app/);

    // kill -9: the app dies, its PostgreSQL stays, holding the directory and the port.
    const orphan = serverPid();
    first.child.kill('SIGKILL');
    await first.exited;
    expect(alive(orphan)).toBe(true);

    const again = start({ PORT: String(port) });
    expect(await ready(again, port)).toBe(true);
    expect(again.output()).toContain(`Stopping the PostgreSQL (process ${orphan})`);
    expect(alive(orphan)).toBe(false);
    expect(await query<{ n: number }>('SELECT n FROM kill_marker')).toEqual([{ n: 42 }]);

    // Port taken (this app's), then a DATABASE_URL where nothing listens.
    const portTaken = await failure(start({ PORT: String(port), DATA_DIR: `${dataDir}-unused` }));
    expect(portTaken).toEqual({
      code: 1,
      last: `Port ${port} is already in use by another program: stop that program or set PORT to a free port.`,
    });
    const nowhere = await failure(
      start({ PORT: String(otherPort), DATABASE_URL: 'postgres://app:secret@127.0.0.1:1/reform' }),
    );
    expect(nowhere).toEqual({
      code: 1,
      last: 'Cannot connect to the database DATABASE_URL names (127.0.0.1:1/reform): nothing listens there.',
    });
    expect(nowhere.last).not.toContain('secret');

    // A clean stop, then a power cut's leftover: a lock file naming a live process that is no
    // PostgreSQL (its pid reused). PostgreSQL alone would refuse to start on it.
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
    writeFileSync(
      join(dataDir, 'pg', 'postmaster.pid'),
      `${process.pid}\n${join(dataDir, 'pg')}\n0\n${dbPort}\n`,
    );
    const afterPowerCut = start({ PORT: String(port) });
    expect(await ready(afterPowerCut, port)).toBe(true);
    expect(afterPowerCut.output()).toContain('Removing the stale lock file');
    expect(await query<{ n: number }>('SELECT n FROM kill_marker')).toEqual([{ n: 42 }]);
  }, 900_000);
});
