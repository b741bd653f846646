import { Module, type DynamicModule } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Response } from 'supertest';
import { Clock } from '../../src/common/time/clock.js';
import { anonymousSession, login, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import {
  buildFixtures,
  createCast,
  MATRIX_TODAY,
  type Cast,
  type FixtureParams,
} from './authorization-fixtures.js';
import {
  ALLOWED_OUTCOMES,
  cellsOf,
  MATRIX,
  SUBJECTS,
  type Cell,
  type Subject,
} from './authorization-matrix.js';
import { listRoutes, routeRecorderModule } from './route-inventory.js';

/**
 * SECURITY.md C5 / issue 18 item 7: every GET route of the authorization table, driven by a
 * subject it serves, with hostile values for every query parameter the route reads and for every
 * id in its path. Numbers PostgreSQL cannot hold (int4), infinities, negatives, words, NUL,
 * full-width digits, 5,000 characters, a repeated parameter: none may answer a 5xx.
 *
 * Which query parameters a route reads is observed, not listed by hand: a test-only preHandler
 * hook wraps `request.query` in a Proxy that records the names the handler asks for (one plain
 * request per route first), so a parameter added later is walked without editing this file.
 */

const HOSTILE: { label: string; query: (key: string) => string; path?: string }[] = [
  {
    label: '99999999999999999999',
    query: (k) => `${k}=99999999999999999999`,
    path: '99999999999999999999',
  },
  { label: '1e309', query: (k) => `${k}=1e309`, path: '1e309' },
  { label: '-1', query: (k) => `${k}=-1`, path: '-1' },
  { label: '0', query: (k) => `${k}=0`, path: '0' },
  { label: 'abc', query: (k) => `${k}=abc`, path: 'abc' },
  { label: '1.5', query: (k) => `${k}=1.5`, path: '1.5' },
  { label: '%00', query: (k) => `${k}=%00`, path: '%00' },
  {
    label: '１２３',
    query: (k) => `${k}=${encodeURIComponent('１２３')}`,
    path: encodeURIComponent('１２３'),
  },
  { label: '5,000 characters', query: (k) => `${k}=${'9'.repeat(5000)}`, path: 'a'.repeat(5000) },
  { label: 'repeated', query: (k) => `${k}=1&${k}=2` },
];

/** Query names recorded per route (Fastify's route url), while recording is on. */
const readKeys = new Map<string, Set<string>>();
let recording = false;
const IGNORED_KEYS = new Set(['then', 'toJSON', 'constructor', 'inspect', 'length']);

function queryRecorderModule(): DynamicModule {
  @Module({})
  class QueryRecorderModule {}
  return {
    module: QueryRecorderModule,
    providers: [
      {
        provide: 'QUERY_RECORDER',
        inject: [HttpAdapterHost],
        useFactory: (host: HttpAdapterHost) => {
          const fastify = host.httpAdapter.getInstance<FastifyInstance>();
          fastify.addHook('preHandler', (request: FastifyRequest, _reply, done) => {
            if (!recording) {
              done();
              return;
            }
            const route = request.routeOptions.url ?? '';
            const keys = readKeys.get(route) ?? new Set<string>();
            readKeys.set(route, keys);
            request.query = new Proxy(request.query as Record<string, unknown>, {
              get(target, key, receiver) {
                if (
                  typeof key === 'string' &&
                  !IGNORED_KEYS.has(key) &&
                  /^[A-Za-z_]\w*$/.test(key)
                ) {
                  keys.add(key);
                }
                return Reflect.get(target, key, receiver) as unknown;
              },
            });
            done();
          });
          return readKeys;
        },
      },
    ],
  };
}

async function pool<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const item = items[next];
        next += 1;
        await work(item);
      }
    }),
  );
}

describe('Hostile numbers and ids on every GET route (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  let cast: Cast;
  let fixtures: Record<string, FixtureParams>;
  const sessions = new Map<Subject, HttpSession>();

  beforeAll(async () => {
    testApp = await createTestApp({ loginRateLimit: { maxPerWindow: 1000, windowSeconds: 300 } }, [
      routeRecorderModule(),
      queryRecorderModule(),
    ]);
    testApp.app.get(Clock).now = () => MATRIX_TODAY;
    cast = await createCast(testApp.dataSource);
    for (const subject of SUBJECTS) {
      if (subject === 'anonymous') {
        sessions.set(subject, await anonymousSession(testApp.server));
      } else {
        const user = cast.subjects[subject];
        sessions.set(subject, await login(testApp.server, user.mobile, user.password));
      }
    }
    const kejiClerk = await login(
      testApp.server,
      cast.builders.kejiClerk.mobile,
      cast.builders.kejiClerk.password,
    );
    fixtures = await buildFixtures(testApp, cast, {
      deptClerk: sessions.get('deptClerk')!,
      kejiClerk,
    });
  }, 180_000);

  afterAll(async () => {
    await testApp?.close();
  });

  it('should answer no 5xx to any hostile value of any query parameter or path id', async () => {
    const served = new Set(listRoutes(testApp.app).map((route) => route.key));
    /** One allowed cell per GET route: who may read it, and on which fixture. */
    const probes = Object.entries(MATRIX)
      .filter(([route, spec]) => route.startsWith('GET ') && served.has(route) && !spec.mutates)
      .filter(([route]) => !route.startsWith('GET /static/'))
      .map(([route, spec]) => {
        const cells = cellsOf(route, spec).filter((cell) => cell.subject !== 'pending');
        const allowed = cells.find((cell) =>
          (ALLOWED_OUTCOMES as readonly unknown[]).includes(cell.expected),
        );
        return { route, spec, cell: allowed ?? cells[0] };
      });

    const pathOf = (cell: Cell, replace?: { name: string; value: string }) =>
      cell.route
        .split(' ')[1]
        .replace(/:([A-Za-z]+)/g, (_segment, name: string) =>
          replace?.name === name
            ? replace.value
            : encodeURIComponent(fixtures[cell.target!]?.[name] ?? '1').replaceAll('%2F', '/'),
        );
    const send = (probe: (typeof probes)[number], url: string): Promise<Response> => {
      const request = sessions.get(probe.cell.subject)!.agent.get(url);
      return probe.spec.htmx
        ? request.set('HX-Request', 'true').set('HX-Request-Type', 'partial')
        : request;
    };

    // 1. One plain request per route, recording the query names its handler reads.
    recording = true;
    await pool(probes, 4, async (probe) => {
      await send(probe, pathOf(probe.cell));
    });
    recording = false;

    // 2. Every hostile value in every query name read and every path id.
    const requests: { probe: (typeof probes)[number]; url: string; what: string }[] = [];
    for (const probe of probes) {
      const path = pathOf(probe.cell);
      const routeUrl = probe.route.split(' ')[1];
      const keys = [...(readKeys.get(routeUrl) ?? [])].filter((key) => key !== 'next');
      for (const key of keys) {
        for (const value of HOSTILE) {
          requests.push({
            probe,
            url: `${path}?${value.query(key)}`,
            what: `?${key}=${value.label}`,
          });
        }
      }
      for (const [, name] of routeUrl.matchAll(/:([A-Za-z]+)/g)) {
        for (const value of HOSTILE.filter((candidate) => candidate.path !== undefined)) {
          requests.push({
            probe,
            url: pathOf(probe.cell, { name, value: value.path! }),
            what: `:${name}=${value.label}`,
          });
        }
      }
    }
    // 3. The path ids of every POST route (forms, transitions), with the CSRF token: a hostile id
    //    finds nothing to change, and must not reach PostgreSQL as an int4 or a uuid.
    const posts = Object.entries(MATRIX)
      .filter(
        ([route, spec]) => route.startsWith('POST ') && served.has(route) && !spec.freshSession,
      )
      .filter(([route]) => /:[A-Za-z]+/.test(route))
      .map(([route, spec]) => {
        const cells = cellsOf(route, spec).filter((cell) => cell.subject !== 'pending');
        const allowed = cells.find((cell) =>
          (ALLOWED_OUTCOMES as readonly unknown[]).includes(cell.expected),
        );
        return { route, spec, cell: allowed ?? cells[0] };
      });
    const postRequests: { probe: (typeof posts)[number]; url: string; what: string }[] = [];
    for (const probe of posts) {
      for (const [, name] of probe.route.split(' ')[1].matchAll(/:([A-Za-z]+)/g)) {
        for (const value of HOSTILE.filter((candidate) => candidate.path !== undefined)) {
          postRequests.push({
            probe,
            url: pathOf(probe.cell, { name, value: value.path! }),
            what: `:${name}=${value.label}`,
          });
        }
      }
    }
    const failures: string[] = [];
    await pool(postRequests, 4, async ({ probe, url, what }) => {
      const session = sessions.get(probe.cell.subject)!;
      const response = probe.spec.htmx
        ? await session.htmx('post', url, probe.spec.body ?? {})
        : await session.post(url, probe.spec.body ?? {});
      if (response.status >= 500) {
        failures.push(`${probe.route} ${what} as ${probe.cell.subject}: ${response.status}`);
      }
    });
    const statuses = new Map<number, number>();
    await pool(requests, 6, async ({ probe, url, what }) => {
      const response = await send(probe, url);
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status >= 500) {
        failures.push(`${probe.route} ${what} as ${probe.cell.subject}: ${response.status}`);
      }
    });
    const walkedRoutes = new Set(requests.map((request) => request.probe.route)).size;
    const parameters = probes.reduce(
      (sum, probe) =>
        sum +
        (readKeys.get(probe.route.split(' ')[1])?.size ?? 0) +
        [...probe.route.matchAll(/:([A-Za-z]+)/g)].length,
      0,
    );
    console.info(
      `Hostile path ids on POST routes: ${posts.length} routes, ${postRequests.length} requests`,
    );
    console.info(
      `Hostile parameters: ${probes.length} GET routes (${walkedRoutes} with parameters, ${parameters} parameters) × ` +
        `${HOSTILE.length} hostile values = ${requests.length} requests, plus ${postRequests.length} on POST path ids; ` +
        `${failures.length} × 5xx in all; ` +
        `statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`,
    );
    expect(failures).toEqual([]);
    expect(requests.length).toBeGreaterThan(500);
  }, 600_000);
});
