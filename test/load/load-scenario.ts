import { performance } from 'node:perf_hooks';
import { login, type HttpSession } from '../helpers/http-session.js';
import type { TestApp } from '../helpers/test-app.js';
import { createUser } from '../helpers/users.factory.js';

const UNITS = [
  'yuzhong',
  'jiangbei',
  'wanzhou',
  'fuling',
  'dazu',
  'tongliang',
  'rongchang',
  'bishan',
  'hechuan',
  'yongchuan',
];
const PAGES = [
  '/',
  '/inbox',
  '/my-submissions',
  '/showcase',
  '/demands',
  '/notifications',
  '/risk',
  '/pilots',
];

export interface LoadResult {
  requests: number;
  submissions: number;
  serverErrors: number;
  otherErrors: number;
  p50: number;
  p95: number;
  p99: number;
  savedRows: number;
  /** p95 per page (ms), to tell which page is slow. */
  byPath: Record<string, number>;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0
    ? 0
    : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * Logged-in users browsing and filing (SECURITY.md A1): `sessions` browser sessions, each looping
 * over page views with a think time, one action in ten a new draft highlight. Every response is
 * timed; 5xx are counted separately from anything else unexpected.
 */
export async function runLoad(
  testApp: TestApp,
  options: { sessions: number; seconds: number; thinkMs: [number, number]; tag: string },
): Promise<LoadResult> {
  const users = await Promise.all(
    Array.from({ length: Math.min(20, options.sessions) }, (_unused, index) =>
      createUser(testApp.dataSource, { unitCode: UNITS[index % UNITS.length], roles: ['entry'] }),
    ),
  );
  const sessions: HttpSession[] = [];
  for (let index = 0; index < options.sessions; index += 1) {
    const user = users[index % users.length];
    sessions.push(await login(testApp.server, user.mobile, user.password));
  }
  const [kind] = await testApp.dataSource.query<{ id: number }[]>(
    `SELECT id FROM dictionary_items WHERE kind = 'affirmation_kind' AND code = 'national_1'`,
  );
  const latencies: number[] = [];
  const perPath = new Map<string, number[]>();
  const result = { requests: 0, submissions: 0, serverErrors: 0, otherErrors: 0 };
  const deadline = performance.now() + options.seconds * 1000;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  let counter = 0;

  await Promise.all(
    sessions.map(async (session, sessionIndex) => {
      // Spread the start so the sessions do not move in lockstep.
      await sleep((sessionIndex * options.thinkMs[1]) / sessions.length);
      while (performance.now() < deadline) {
        counter += 1;
        const step = counter;
        const submit = step % 10 === 0;
        const started = performance.now();
        const response = submit
          ? await session.post('/showcase', {
              matter: `${options.tag}-${step}`,
              category: 'national',
              subKindId: String(kind.id),
              happenedOn: '2026-05-20',
              problemsSolved: '问题',
              results: '成果',
              evidenceClassified: 'on',
            })
          : await session.agent.get(PAGES[step % PAGES.length]);
        const elapsed = performance.now() - started;
        latencies.push(elapsed);
        const path = submit ? 'POST /showcase' : PAGES[step % PAGES.length];
        perPath.set(path, [...(perPath.get(path) ?? []), elapsed]);
        result.requests += 1;
        if (response.status >= 500) {
          result.serverErrors += 1;
        } else if (submit ? response.status !== 303 : response.status !== 200) {
          result.otherErrors += 1;
        } else if (submit) {
          result.submissions += 1;
        }
        const [low, high] = options.thinkMs;
        await sleep(low + Math.random() * (high - low));
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const [saved] = await testApp.dataSource.query<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM showcase_highlights WHERE matter LIKE $1`,
    [`${options.tag}-%`],
  );
  return {
    ...result,
    p50: Math.round(percentile(latencies, 50)),
    p95: Math.round(percentile(latencies, 95)),
    p99: Math.round(percentile(latencies, 99)),
    savedRows: saved.n,
    byPath: Object.fromEntries(
      [...perPath].map(([path, values]) => [
        path,
        Math.round(
          percentile(
            [...values].sort((a, b) => a - b),
            95,
          ),
        ),
      ]),
    ),
  };
}
