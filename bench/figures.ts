import autocannon from 'autocannon';
import { existsSync } from 'node:fs';
import type pg from 'pg';
import { chromium } from 'playwright-core';
import type { AuthUser } from '../src/auth/auth-context.js';
import { ReportsService } from '../src/scoring/reports/reports.service.js';
import type { EventLoopDelay } from '../src/common/http/event-loop-probe.js';
import type { AppProbe, CapturedQuery } from './app-probe.js';
import { median, medianOf, percentile, runLoad, type LoadResult } from './load.js';
import { compareWithReport, districtRawValuesBySql } from './report-baseline.js';

export interface LoadTarget {
  url: string;
  headers?: Record<string, string>;
  /** CPU ms the serving process has used so far: with it, each run reports CPU ms per response. */
  cpuMs?: () => number;
}

export interface PageTargets {
  page: string;
  bare: LoadTarget;
  raw: LoadTarget;
  app: LoadTarget;
}

export interface ThroughputFigure {
  page: string;
  bare: LoadResult;
  raw: LoadResult;
  app: LoadResult;
  /** Median over rounds of app/raw measured in the same round. */
  appOverRaw: number;
  appOverBare: number;
  rawOverBare: number;
  rounds: { bare: LoadResult; raw: LoadResult; app: LoadResult }[];
}

export interface ThroughputOptions {
  rounds: number;
  durationSeconds: number;
  connections: number;
  warmupSeconds: number;
  log?: (message: string) => void;
}

/**
 * Figures 1–3: per page, rounds of (bare, raw, app), each a short autocannon run at the same
 * concurrency; the figure is the median of the rounds and of the per-round ratios. On a shared
 * machine the load of the others drifts from second to second: the raw stack and the app run back
 * to back and swap places every round (raw–app, app–raw, …), so a drift in either direction
 * weighs on both sides alike and the median ratio is a fair one.
 */
export async function compareThroughput(
  pages: PageTargets[],
  options: ThroughputOptions,
): Promise<ThroughputFigure[]> {
  const log = options.log ?? (() => undefined);
  const run = async (target: LoadTarget, durationSeconds: number): Promise<LoadResult> => {
    const cpuBefore = target.cpuMs?.();
    const result = await runLoad(target.url, {
      connections: options.connections,
      durationSeconds,
      headers: target.headers,
    });
    return cpuBefore === undefined
      ? result
      : {
          ...result,
          cpuMsPerResponse: (target.cpuMs!() - cpuBefore) / (result.rps * durationSeconds),
        };
  };
  for (const page of pages) {
    if (options.warmupSeconds > 0) {
      for (const target of [page.bare, page.raw, page.app]) {
        await run(target, options.warmupSeconds);
      }
    }
  }
  const rounds = new Map<string, { bare: LoadResult; raw: LoadResult; app: LoadResult }[]>(
    pages.map((page) => [page.page, []]),
  );
  for (let round = 1; round <= options.rounds; round += 1) {
    for (const page of pages) {
      const bare = await run(page.bare, options.durationSeconds);
      const rawFirst = round % 2 === 1;
      const first = await run(rawFirst ? page.raw : page.app, options.durationSeconds);
      const second = await run(rawFirst ? page.app : page.raw, options.durationSeconds);
      const [raw, app] = rawFirst ? [first, second] : [second, first];
      rounds.get(page.page)!.push({ bare, raw, app });
      log(
        `  round ${round} ${page.page}: bare ${bare.rps.toFixed(0)}/s, raw ${raw.rps.toFixed(0)}/s, app ${app.rps.toFixed(0)}/s (${rawFirst ? 'raw first' : 'app first'}; app/raw ${(app.rps / raw.rps).toFixed(2)}, app p99 ${app.p99Ms} ms${app.cpuMsPerResponse !== undefined && raw.cpuMsPerResponse !== undefined ? `; Node CPU per response: raw ${raw.cpuMsPerResponse.toFixed(2)} ms, app ${app.cpuMsPerResponse.toFixed(2)} ms` : ''})`,
      );
    }
  }
  return pages.map((page) => {
    const results = rounds.get(page.page)!;
    return {
      page: page.page,
      bare: medianOf(results.map((result) => result.bare)),
      raw: medianOf(results.map((result) => result.raw)),
      app: medianOf(results.map((result) => result.app)),
      appOverRaw: median(results.map((result) => result.app.rps / result.raw.rps)),
      appOverBare: median(results.map((result) => result.app.rps / result.bare.rps)),
      rawOverBare: median(results.map((result) => result.raw.rps / result.bare.rps)),
      rounds: results,
    };
  });
}

export interface ReportFigure {
  records: number;
  period: string;
  appMs: number;
  sqlMs: number;
  /** Median of the rounds' app ÷ SQL. */
  ratio: number;
  roundRatios: number[];
  /** Raw values where the report and the SQL disagree (should be none). */
  differences: string[];
}

/** Generations (and SQL runs) before the measured rounds of figure 4. */
const REPORT_WARM_UP = 5;
/** Measured generations (and SQL runs) of figure 4 per bench round. */
const REPORT_SAMPLES_PER_ROUND = 4;

/** Figure 4: ReportsService.generate for the 41 districts vs the hand-written GROUP BY SQL. */
export async function measureReportGeneration(
  probe: AppProbe,
  db: pg.Pool | pg.Client,
  office: AuthUser,
  period: string,
  rounds: number,
  records: number,
): Promise<ReportFigure> {
  const reports = probe.app.get(ReportsService);
  // Warm both sides the same way before measuring: the app was started by the bench moments ago
  // and its first generations pay V8's compilation and the collection of the start-up's garbage
  // (5-14 ms of Node time in each of the first five generations, 2-2.5 ms from then on).
  let reportId = '';
  for (let warmUp = 0; warmUp < REPORT_WARM_UP; warmUp += 1) {
    reportId = await reports.generate('district', period, office);
    await districtRawValuesBySql(db, period);
  }
  const expected = await districtRawValuesBySql(db, period);
  const appTimes: number[] = [];
  const sqlTimes: number[] = [];
  const sql = async () => {
    const started = performance.now();
    await districtRawValuesBySql(db, period);
    sqlTimes.push(performance.now() - started);
  };
  const app = async () => {
    const started = performance.now();
    reportId = await reports.generate('district', period, office);
    appTimes.push(performance.now() - started);
  };
  // Back to back, the order swapped every round (as the pages): a drift of the machine's load
  // weighs on both; the ratio is the median of the rounds' own ratios. A round is one generation
  // (about 20 ms) against one SQL run: a single round trip that waits on a descheduled vCPU moves
  // its ratio by 0.2-0.4, so the figure takes REPORT_SAMPLES_PER_ROUND of them per bench round.
  for (let round = 0; round < rounds * REPORT_SAMPLES_PER_ROUND; round += 1) {
    if (round % 2 === 0) {
      await sql();
      await app();
    } else {
      await app();
      await sql();
    }
  }
  return {
    records,
    period,
    appMs: median(appTimes),
    sqlMs: median(sqlTimes),
    ratio: median(appTimes.map((ms, round) => ms / sqlTimes[round])),
    roundRatios: appTimes.map((ms, round) => ms / sqlTimes[round]),
    differences: await compareWithReport(db, reportId, expected),
  };
}

export interface ExportRun {
  rows: number;
  ms: number;
  rowsPerSecond: number;
  bytes: number;
  rssGrowthMb: number;
}

/**
 * The run of median time among rounds of the same export, with the largest memory growth of any
 * round (the memory goal is about the peak).
 */
export function medianRun<T extends { ms: number; rssGrowthMb: number }>(runs: T[]): T {
  const byTime = [...runs].sort((a, b) => a.ms - b.ms);
  return {
    ...byTime[Math.floor(byTime.length / 2)],
    rssGrowthMb: Math.max(...runs.map((run) => run.rssGrowthMb)),
  };
}

/** Downloads an export to the end (discarding it) while the server's memory is sampled. */
export async function measureExport(
  url: string,
  cookie: string,
  rows: number,
  rss?: { sample(): { stop(): number }; now(): number },
): Promise<ExportRun> {
  const before = rss?.now() ?? 0;
  const sampler = rss?.sample();
  const started = performance.now();
  const response = await fetch(url, { headers: { Cookie: cookie } });
  if (!response.ok || !response.body) {
    sampler?.stop();
    throw new Error(`${url} answered ${response.status}`);
  }
  let bytes = 0;
  for await (const chunk of response.body) {
    bytes += (chunk as Uint8Array).byteLength;
  }
  const ms = performance.now() - started;
  const peak = sampler?.stop() ?? 0;
  return { rows, ms, rowsPerSecond: rows / (ms / 1000), bytes, rssGrowthMb: peak - before };
}

export interface StallFigure {
  exportMs: number;
  inboxWithout: LoadResult;
  inboxWith: LoadResult;
  p99Ratio: number;
  eventLoop: EventLoopDelay;
}

/** Figure 6: the inbox under load while one big export streams, and the worst event-loop stall. */
export async function measureExportStall(options: {
  appUrl: string;
  exportPath: string;
  exportCookie: string;
  inboxPath: string;
  inboxCookie: string;
  connections: number;
  durationSeconds: number;
}): Promise<StallFigure> {
  const inboxUrl = `${options.appUrl}${options.inboxPath}`;
  const headers = { Cookie: options.inboxCookie };
  // A cold server (the export app starts just before) would make the figure without the export
  // look worse than it is: warm it up first.
  await runLoad(inboxUrl, { connections: options.connections, durationSeconds: 2, headers });
  const inboxWithout = await runLoad(inboxUrl, {
    connections: options.connections,
    durationSeconds: options.durationSeconds,
    headers,
  });
  await fetch(`${options.appUrl}/_bench/event-loop?reset=1`);
  let stopLoad: () => void = () => undefined;
  const loaded = new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { url: inboxUrl, connections: options.connections, duration: 3600, headers, timeout: 30 },
      (error: Error | null, result) => (error ? reject(error) : resolve(result)),
    );
    stopLoad = () => instance.stop();
  });
  const started = performance.now();
  const exported = await measureExport(
    `${options.appUrl}${options.exportPath}`,
    options.exportCookie,
    0,
  );
  const exportMs = performance.now() - started;
  stopLoad();
  const result = await loaded;
  const eventLoop = (await (
    await fetch(`${options.appUrl}/_bench/event-loop`)
  ).json()) as EventLoopDelay;
  const ok = result['2xx'];
  const inboxWith: LoadResult = {
    rps: ok / result.duration,
    p50Ms: result.latency.p50,
    p975Ms: result.latency.p97_5,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    bodyBytes: ok > 0 ? result.throughput.total / (ok + result.non2xx) : 0,
    errors: result.errors,
    non2xx: result.non2xx,
  };
  void exported;
  return {
    exportMs,
    inboxWithout,
    inboxWith,
    p99Ratio: inboxWith.p99Ms / inboxWithout.p99Ms,
    eventLoop,
  };
}

export interface BrowserFigure {
  loads: number;
  ttfbP50: number;
  ttfbP90: number;
  usableP50: number;
  usableP90: number;
  loadP90: number;
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function browserAvailable(): boolean {
  return existsSync(CHROMIUM);
}

/**
 * Figure 7: Debian's chromium (playwright-core) opens the inbox again and again with the session
 * cookie; from the Navigation Timing entry: time to the first byte (responseStart) and to a usable
 * page (domContentLoadedEventEnd: HTML parsed, deferred htmx and app.js run).
 */
export async function measureBrowser(options: {
  appUrl: string;
  cookie: string;
  path: string;
  loads: number;
}): Promise<BrowserFigure> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'],
  });
  try {
    const context = await browser.newContext();
    await context.addCookies(
      options.cookie.split('; ').map((pair) => {
        const [name, ...value] = pair.split('=');
        return { name, value: value.join('='), url: options.appUrl };
      }),
    );
    const page = await context.newPage();
    await page.goto(`${options.appUrl}${options.path}`);
    const ttfb: number[] = [];
    const usable: number[] = [];
    const loaded: number[] = [];
    for (let index = 0; index < options.loads; index += 1) {
      await page.goto(`${options.appUrl}${options.path}`, { waitUntil: 'load' });
      const timing = await page.evaluate(() => {
        const entry = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
        return {
          ttfb: entry.responseStart - entry.startTime,
          usable: entry.domContentLoadedEventEnd - entry.startTime,
          load: entry.loadEventEnd - entry.startTime,
        };
      });
      if (!page.url().includes(options.path)) {
        throw new Error(`The browser landed on ${page.url()}, not ${options.path}`);
      }
      ttfb.push(timing.ttfb);
      usable.push(timing.usable);
      loaded.push(timing.load);
    }
    return {
      loads: options.loads,
      ttfbP50: percentile(ttfb, 50),
      ttfbP90: percentile(ttfb, 90),
      usableP50: percentile(usable, 50),
      usableP90: percentile(usable, 90),
      loadP90: percentile(loaded, 90),
    };
  } finally {
    await browser.close();
  }
}

/** EXPLAIN (ANALYZE, BUFFERS) of a captured query, with any sequential scan of a large table flagged. */
export async function explain(
  db: pg.Pool | pg.Client,
  query: CapturedQuery,
): Promise<{ plan: string[]; seqScans: string[]; ms: number }> {
  const { rows } = await db.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN (ANALYZE, BUFFERS) ${query.sql}`,
    query.params,
  );
  const plan = rows.map((row) => row['QUERY PLAN']);
  const large = await db.query<{ relname: string }>(
    `SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples > 10000`,
  );
  const largeTables = new Set(large.rows.map((row) => row.relname));
  const seqScans = plan.filter((line) => {
    const match = /Seq Scan on (\w+)/.exec(line);
    return match !== null && largeTables.has(match[1]);
  });
  const time = plan.map((line) => /Execution Time: ([\d.]+) ms/.exec(line)).find(Boolean);
  return { plan, seqScans, ms: time ? Number(time[1]) : Number.NaN };
}
