import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Server } from 'node:http';
import request from 'supertest';
import { createApp } from '../../src/bootstrap.js';
import { Clock } from '../../src/common/time/clock.js';
import { extractCsrfToken, login } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, type TestUser } from '../helpers/users.factory.js';

/**
 * Two app instances on one database behave as one (nothing that matters lives in one process):
 * a session from one works on the other, simultaneous approvals split across both give exactly
 * one success, and failed logins split across both still lock the account.
 */
describe('Two app instances on one database (SECURITY.md B7, B8)', () => {
  let first: TestApp;
  let second: NestFastifyApplication;
  let secondServer: Server;
  let clerk: TestUser;
  let reviewer: TestUser;
  let office: TestUser;

  beforeAll(async () => {
    first = await createTestApp();
    second = await createApp(first.config, first.databaseUrl, { logLevels: ['error'] });
    await second.getHttpAdapter().getInstance().ready();
    secondServer = second.getHttpServer();
    for (const app of [first.app, second]) {
      app.get(Clock).now = () => new Date('2026-11-20T10:00:00+08:00');
    }
    clerk = await createUser(first.dataSource, { unitCode: 'dazu', roles: ['entry'] });
    reviewer = await createUser(first.dataSource, { unitCode: 'dazu', roles: ['reviewer'] });
    office = await createUser(first.dataSource, { unitCode: '市委改革办', roles: ['office'] });
  });

  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  /** A browser session as raw cookies and CSRF token, so any instance can be sent the same. */
  interface RawSession {
    cookie: string;
    csrfToken: string;
  }
  const cookieHeader = (jar: Map<string, string>) =>
    [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  const remember = (jar: Map<string, string>, setCookie: string[] | string | undefined) => {
    for (const line of [setCookie ?? []].flat()) {
      const [pair] = line.split(';');
      const [name, ...value] = pair.split('=');
      jar.set(name.trim(), value.join('='));
    }
  };
  const loginOn = async (server: Server, user: TestUser): Promise<RawSession> => {
    const jar = new Map<string, string>();
    const page = await request(server).get('/login');
    remember(jar, page.headers['set-cookie']);
    const response = await request(server)
      .post('/login')
      .type('form')
      .set('Cookie', cookieHeader(jar))
      .send({ mobile: user.mobile, password: user.password, _csrf: extractCsrfToken(page.text) });
    expect(response.status).toBe(303);
    remember(jar, response.headers['set-cookie']);
    const home = await request(server).get('/').set('Cookie', cookieHeader(jar));
    return { cookie: cookieHeader(jar), csrfToken: extractCsrfToken(home.text) };
  };
  const get = (server: Server, session: RawSession, url: string) =>
    request(server).get(url).set('Cookie', session.cookie);
  const htmxPost = (
    server: Server,
    session: RawSession,
    url: string,
    form: Record<string, string>,
  ) =>
    request(server)
      .post(url)
      .type('form')
      .set('Cookie', session.cookie)
      .set('HX-Request', 'true')
      .set('HX-Request-Type', 'partial')
      .set('X-CSRF-Token', session.csrfToken)
      .send(form);

  it('should accept a session made on one instance on the other, and sign it out on both', async () => {
    const session = await loginOn(first.server, clerk);
    const page = await get(secondServer, session, '/my-submissions');
    expect(page.status).toBe(200);
    expect(page.text).toContain(clerk.name);
    const logout = await request(secondServer)
      .post('/logout')
      .type('form')
      .set('Cookie', session.cookie)
      .send({ _csrf: session.csrfToken });
    expect(logout.status).toBe(303);
    const after = await get(first.server, session, '/my-submissions');
    expect(after.status).toBe(303);
    expect(after.headers.location).toContain('/login');
  });

  it('should let exactly one of 20 simultaneous approvals split across both instances win', async () => {
    const clerkSession = await login(first.server, clerk.mobile, clerk.password);
    const [kind] = await first.dataSource.query<{ id: number }[]>(
      `SELECT id FROM dictionary_items WHERE kind = 'affirmation_kind' AND code = 'national_1'`,
    );
    const created = await clerkSession.post('/showcase', {
      matter: '并发审核的成效亮点',
      category: 'national',
      subKindId: String(kind.id),
      happenedOn: '2026-05-20',
      problemsSolved: '问题',
      results: '成果',
      evidenceClassified: 'on',
      submit: '1',
    });
    const id = String(created.headers.location).split('/').pop()!;
    const reviewerSession = await login(first.server, reviewer.mobile, reviewer.password);
    await reviewerSession
      .htmx('post', `/records/${id}/transitions`, { action: 'pass' })
      .expect(200);

    const officeSession = await loginOn(secondServer, office);
    const [{ version }] = await first.dataSource.query<{ version: number }[]>(
      `SELECT version FROM workflow_items WHERE id = $1`,
      [id],
    );
    const form = { action: 'confirm', version: String(version) };
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_unused, index) =>
        htmxPost(
          index % 2 === 0 ? first.server : secondServer,
          officeSession,
          `/records/${id}/transitions`,
          form,
        ),
      ),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(19);
    const [counts] = await first.dataSource.query<{ events: number; audits: number }[]>(
      `SELECT (SELECT count(*)::int FROM workflow_events WHERE item_id = $1 AND action = 'confirm') AS events,
              (SELECT count(*)::int FROM audit_log WHERE target_id = $1::text AND detail->>'action' = 'confirm') AS audits`,
      [id],
    );
    expect(counts).toEqual({ events: 1, audits: 1 });
  });

  it('should lock an account after five failures split across both instances', async () => {
    const victim = await createUser(first.dataSource, { unitCode: 'fuling', roles: ['entry'] });
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const server = attempt % 2 === 0 ? first.server : secondServer;
      const agent = request.agent(server);
      const page = await agent.get('/login');
      const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
      await agent
        .post('/login')
        .type('form')
        .send({ mobile: victim.mobile, password: 'Wrong-password-1', _csrf: token });
    }
    const [user] = await first.dataSource.query<{ locked: boolean }[]>(
      `SELECT locked_until > now() AS locked FROM users WHERE mobile = $1`,
      [victim.mobile],
    );
    expect(user.locked).toBe(true);
    // The right password is refused now, on either instance.
    await expect(login(secondServer, victim.mobile, victim.password)).rejects.toThrow();
  });
});
