import { readFileSync, writeFileSync } from 'node:fs';
import type { Response } from 'supertest';
import { Clock } from '../../src/common/time/clock.js';
import { binaryParser, readSheet } from '../helpers/excel.js';
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
import { coverage, renderTable, routesInTable, TABLE_PATH } from './authorization-table.js';
import { listRoutes, routeRecorderModule, type RouteInfo } from './route-inventory.js';

/** `npm run authz:table` sets this to write the table instead of comparing it. */
const WRITE_TABLE = process.env.AUTHZ_WRITE_TABLE === '1';

/** What a response means for the matrix: an Outcome, or the status code of anything else. */
type Observed = 'login' | 'step' | number;

/** The pages of the login steps a session may owe (PENDING_STEP_PAGES). */
const STEP_PAGE = /^\/(account\/password|account\/mfa|login\/second-factor)(\?|$)/;

function classify(response: Response): Observed {
  const location = String(response.headers.location ?? response.headers['hx-redirect'] ?? '');
  if ([302, 303, 204].includes(response.status) && STEP_PAGE.test(location)) {
    return 'step';
  }
  if ([302, 303, 204].includes(response.status) && location.startsWith('/login')) {
    return 'login';
  }
  if (response.status >= 300 && response.status < 400) {
    return 303;
  }
  if (response.status === 204 && location !== '') {
    return 303;
  }
  if (response.status >= 200 && response.status < 300) {
    return 200;
  }
  return response.status;
}

function urlOf(path: string, params: FixtureParams | undefined, cell: Cell): string {
  return path.replace(/:([A-Za-z]+)|\*/g, (segment: string, name: string | undefined) => {
    const value = params?.[name ?? '*'];
    if (value === undefined) {
      throw new Error(`${cell.route} [${cell.target ?? '—'}]: no value for ${segment}`);
    }
    return encodeURIComponent(value).replaceAll('%2F', '/');
  });
}

/** Runs `work` over `items`, `width` at a time. */
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

describe('Authorization matrix (every route × subject × object, HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  let routes: RouteInfo[];

  beforeAll(async () => {
    testApp = await createTestApp(
      // Every subject logs in once, and the login probe posts a wrong password per subject.
      { loginRateLimit: { maxPerWindow: 1000, windowSeconds: 300 } },
      [routeRecorderModule()],
    );
    testApp.app.get(Clock).now = () => MATRIX_TODAY;
    routes = listRoutes(testApp.app);
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it('should have a row in the committed table for every route the app serves, and no row for a route it does not', () => {
    const rendered = renderTable(routes);
    if (WRITE_TABLE) {
      writeFileSync(TABLE_PATH, rendered);
    }
    const committed = readFileSync(TABLE_PATH, 'utf8');
    const inTable = coverage(routes, routesInTable(committed));
    const inMatrix = coverage(routes, Object.keys(MATRIX));
    expect({
      'routes without a row in authorization-matrix.md': inTable.unlisted,
      'rows of authorization-matrix.md whose route is gone': inTable.stale,
      'routes without expectations in authorization-matrix.ts': inMatrix.unlisted,
      'expectations in authorization-matrix.ts for routes that are gone': inMatrix.stale,
    }).toEqual({
      'routes without a row in authorization-matrix.md': [],
      'rows of authorization-matrix.md whose route is gone': [],
      'routes without expectations in authorization-matrix.ts': [],
      'expectations in authorization-matrix.ts for routes that are gone': [],
    });
    // The committed table is the rendering of the matrix (run `npm run authz:table` after a change).
    expect(committed).toBe(rendered);
  });

  describe('driven through HTTP', () => {
    let cast: Cast;
    let fixtures: Record<string, FixtureParams>;
    const sessions = new Map<Subject, HttpSession>();

    const sessionOf = (subject: Subject): Promise<HttpSession> => {
      if (subject === 'anonymous') {
        return anonymousSession(testApp.server);
      }
      const user = cast.subjects[subject];
      return login(testApp.server, user.mobile, user.password);
    };

    beforeAll(async () => {
      cast = await createCast(testApp.dataSource);
      for (const subject of SUBJECTS) {
        sessions.set(subject, await sessionOf(subject));
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
    }, 600_000);

    it('should answer every cell as the table says: no unexpected allow, no 500', async () => {
      const started = Date.now();
      const cells = Object.entries(MATRIX).flatMap(([route, spec]) =>
        cellsOf(route, spec).map((cell) => ({ cell, spec })),
      );
      const served = new Set(routes.map((route) => route.key));
      const results: { cell: Cell; actual: Observed; detail: string }[] = [];

      const drive = async ({ cell, spec }: (typeof cells)[number]) => {
        const [method, path] = cell.route.split(' ');
        const session = spec.freshSession
          ? await sessionOf(cell.subject)
          : sessions.get(cell.subject)!;
        const url = urlOf(path, cell.target ? fixtures[cell.target] : undefined, cell);
        let response: Response;
        if (method === 'GET') {
          const request = session.agent.get(url);
          response = spec.htmx
            ? await request.set('HX-Request', 'true').set('HX-Request-Type', 'partial')
            : await request;
        } else {
          response = spec.htmx
            ? await session.htmx('post', url, spec.body ?? {})
            : await session.post(url, spec.body ?? {});
        }
        const location = String(response.headers.location ?? response.headers['hx-redirect'] ?? '');
        results.push({
          cell,
          actual: classify(response),
          detail: `${response.status}${location ? ` → ${location}` : ''}`,
        });
      };

      const plain = cells.filter(({ cell, spec }) => served.has(cell.route) && !spec.mutates);
      const mutating = cells
        .filter(({ cell, spec }) => served.has(cell.route) && spec.mutates)
        .sort((a, b) => a.spec.mutates! - b.spec.mutates!);
      await pool(plain, 6, drive);
      for (const item of mutating) {
        await drive(item);
      }

      const describeCell = ({ cell, actual, detail }: (typeof results)[number]) =>
        `${cell.route} [${cell.target ?? '—'}] ${cell.subject}: expected ${cell.expected}, got ${actual} (${detail})`;
      const isAllowed = (outcome: Observed) =>
        (ALLOWED_OUTCOMES as readonly Observed[]).includes(outcome);
      const unexpectedAllows = results.filter(
        (result) => isAllowed(result.actual) && !isAllowed(result.cell.expected),
      );
      const serverErrors = results.filter(
        (result) => typeof result.actual === 'number' && result.actual >= 500,
      );
      const mismatches = results.filter((result) => result.actual !== result.cell.expected);
      console.info(
        `Authorization matrix: ${results.length} cells over ${served.size} routes in ${Date.now() - started} ms; ` +
          `${mismatches.length} mismatches, ${unexpectedAllows.length} unexpected allows, ${serverErrors.length} server errors`,
      );
      expect({
        unexpectedAllows: unexpectedAllows.map(describeCell),
        serverErrors: serverErrors.map(describeCell),
        otherMismatches: mismatches
          .filter((result) => !unexpectedAllows.includes(result) && !serverErrors.includes(result))
          .map(describeCell),
      }).toEqual({ unexpectedAllows: [], serverErrors: [], otherMismatches: [] });
    }, 900_000);

    it("should not take another unit's ids from a form body or a filter", async () => {
      // A session of its own: the matrix ended the subjects' sessions at its end.
      const clerk = await sessionOf('clerk');
      const foreignFile = fixtures['file J unlinked'].id;
      const count = async (sql: string) =>
        (
          await testApp.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${sql}`)
        )[0].n;
      const dictionary = async (kind: string) =>
        (
          await testApp.dataSource.query<{ id: number }[]>(
            `SELECT id FROM dictionary_items WHERE kind = $1 AND active ORDER BY sort_order LIMIT 1`,
            [kind],
          )
        )[0].id;

      // A file of J's in a new demand of Y's, and in Y's feedback on its task: refused, nothing saved.
      const demandsBefore = await count('demands');
      const demand = await clerk.post('/demands', {
        title: '带他单位附件的需求',
        description: '附件是江北区上传的',
        channelId: String(await dictionary('demand_channel')),
        domainId: String(await dictionary('domain')),
        attachments: foreignFile,
      });
      expect(demand.status).toBe(422);
      expect(await count('demands')).toBe(demandsBefore);
      const progressBefore = await count('task_progress');
      const progress = await clerk.post(`/tasks/${fixtures['task Y'].id}/progress`, {
        status: 'in_progress',
        workDone: '已开展工作',
        problems: '无',
        evidence: foreignFile,
      });
      expect(progress.status).toBe(422);
      expect(await count('task_progress')).toBe(progressBefore);

      // Ledger exports filtered by J: none of J's drafts or tasks in Y's clerk's file.
      const jiangbei = fixtures['unit J'].unitId;
      const demandsSheet = await readSheet(
        (
          await clerk.agent
            .get(`/demands/export?unit=${jiangbei}&state=draft`)
            .buffer(true)
            .parse(binaryParser)
        ).body as Buffer,
      );
      expect(demandsSheet.rows.slice(1)).toEqual([]);
      const tasksSheet = await readSheet(
        (
          await clerk.agent
            .get(`/tasks/export?kind=blocker&unit=${jiangbei}`)
            .buffer(true)
            .parse(binaryParser)
        ).body as Buffer,
      );
      expect(tasksSheet.rows.slice(1).map((row) => row[1])).not.toContain('江北区');
    });
  });
});
