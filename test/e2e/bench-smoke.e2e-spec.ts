import { hash, type Algorithm } from '@node-rs/argon2';
import pg from 'pg';
import { AppProbe, benchUsers, loadAuthUser } from '../../bench/app-probe.js';
import { startBaselineServer } from '../../bench/baseline-server.js';
import { baselineConfigFor, benchPages, pathsOf } from '../../bench/bench.js';
import { loadLedgerCells, writeRowsFromMemory } from '../../bench/excel-baseline.js';
import {
  compareThroughput,
  explain,
  measureExport,
  measureExportStall,
  measureReportGeneration,
} from '../../bench/figures.js';
import { login } from '../../bench/http.js';
import { SCALE_PASSWORD, seedScale } from '../../bench/scale-seeder.js';
import { reportQuarters } from '../../bench/seed-scale.js';
import { DemandsService } from '../../src/demands/demands.service.js';
import { ReportsService } from '../../src/scoring/reports/reports.service.js';
import { listen } from '../helpers/browser.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * `npm run bench` in miniature, so the harness does not rot: 10k seeded records, every figure
 * but the browser's for one short round against the in-process app. Numbers are not judged here,
 * only that each figure is measured and the app agrees with its baselines. A figure may be zero
 * on a busy machine (a one-second round can end before a slow answer): no error is what counts.
 */
describe('Benchmark harness (smoke)', () => {
  let testApp: TestApp;
  let pool: pg.Pool;
  let appUrl: string;

  beforeAll(async () => {
    testApp = await createTestApp({ benchEventLoop: true });
    const client = new pg.Client({ connectionString: testApp.databaseUrl });
    await client.connect();
    const passwordHash = await hash(SCALE_PASSWORD, {
      algorithm: 2 as Algorithm,
      memoryCost: 1024,
      timeCost: 1,
      parallelism: 1,
    });
    await seedScale(client, { records: 10_000, passwordHash });
    await client.end();
    pool = new pg.Pool({ connectionString: testApp.databaseUrl, max: 4 });
    appUrl = await listen(testApp);
  }, 600_000);

  afterAll(async () => {
    await pool.end();
    await testApp.close();
  });

  it('should measure every figure against its baseline', async () => {
    const probe = AppProbe.attach(testApp.app);
    const people = await benchUsers(pool);
    const reviewer = await loadAuthUser(pool, people.reviewer);
    const leader = await loadAuthUser(pool, people.leader);
    const period = reportQuarters(1)[0];
    await testApp.app.get(ReportsService).generate('district', period, leader);

    const pages = await benchPages(probe, pool, reviewer, leader);
    expect((await explain(pool, pages.inboxQuery)).plan.length).toBeGreaterThan(0);
    expect((await explain(pool, pages.ledgerQuery.sql)).plan.length).toBeGreaterThan(0);
    const paths = pathsOf(
      pages,
      await login(appUrl, reviewer.mobile, SCALE_PASSWORD),
      await login(appUrl, leader.mobile, SCALE_PASSWORD),
    );
    const config = await baselineConfigFor(testApp.databaseUrl, appUrl, probe, pages, paths);
    expect(config.bare.inbox.body).toContain('id="inbox-');
    const baseline = await startBaselineServer(config);
    try {
      for (const name of Object.keys(paths)) {
        const raw = await (await fetch(`${baseline.url}/raw/${name}`)).text();
        // The same template and data: the same page but for the CSRF token and "+" of a capped count.
        expect(Math.abs(raw.length - config.bare[name].body.length)).toBeLessThan(50);
      }
      const figures = await compareThroughput(
        Object.entries(paths).map(([name, { path, cookie }]) => ({
          page: name,
          bare: { url: `${baseline.url}/bare/${name}` },
          raw: { url: `${baseline.url}/raw/${name}` },
          app: { url: `${appUrl}${path}`, headers: { Cookie: cookie } },
        })),
        { rounds: 1, durationSeconds: 1, connections: 4, warmupSeconds: 0 },
      );
      for (const figure of figures) {
        for (const result of [figure.bare, figure.raw, figure.app]) {
          expect(Number.isFinite(result.rps)).toBe(true);
          expect(result.errors).toBe(0);
          expect(result.non2xx).toBe(0);
        }
      }
    } finally {
      await baseline.close();
    }

    const report = await measureReportGeneration(probe, pool, leader, period, 1, 10_000);
    expect(report.differences).toEqual([]);
    expect(Number.isFinite(report.sqlMs)).toBe(true);

    const rows = (await testApp.app.get(DemandsService).ledger(leader, { page: 1 }, 10_000_000))
      .total;
    const exported = await measureExport(`${appUrl}/demands/export`, paths.ledger.cookie, rows);
    expect(exported.bytes).toBeGreaterThan(10_000);
    const { queries } = await probe.capture(() =>
      testApp.app.get(DemandsService).ledger(leader, { page: 1 }, 10_000_000),
    );
    const cells = await loadLedgerCells(testApp.databaseUrl, queries[0]);
    expect(cells).toHaveLength(rows);
    expect((await writeRowsFromMemory(cells)).rows).toBe(rows);

    const stall = await measureExportStall({
      appUrl,
      exportPath: '/demands/export',
      exportCookie: paths.ledger.cookie,
      inboxPath: '/inbox',
      inboxCookie: paths.inbox.cookie,
      connections: 4,
      durationSeconds: 1,
    });
    expect(stall.eventLoop.samples).toBeGreaterThan(0);
    expect(stall.inboxWith.non2xx).toBe(0);
  }, 600_000);
});
