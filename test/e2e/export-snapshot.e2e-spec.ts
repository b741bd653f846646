import type { DataSource } from 'typeorm';
import type { SqlRunner } from '../../src/database/sql-runner.js';
import { snapshotPages } from '../../src/exports/excel-export.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Paged ledger exports read every page in one snapshot: a record filed while an export runs must
 * not shift the offsets (a row twice, or a row lost). The ledger here is the unit list in a
 * ledger's kind of order (newest first by sort order), 10 rows a page.
 */
describe('Paged ledger exports read one snapshot', () => {
  let testApp: TestApp;
  let dataSource: DataSource;
  let added = 0;
  const PAGE_SIZE = 10;

  beforeAll(async () => {
    testApp = await createTestApp();
    dataSource = testApp.dataSource;
  });

  afterAll(async () => {
    await testApp.close();
  });

  const readPage = (page: number, db: SqlRunner) =>
    db
      .query<{ name: string }[]>(
        `SELECT name FROM units ORDER BY sort_order DESC, id DESC LIMIT $1 OFFSET $2`,
        [PAGE_SIZE, (page - 1) * PAGE_SIZE],
      )
      .then((rows) => rows.map((row) => row.name));

  /** Files a unit that sorts first, from another connection, as a clerk elsewhere would. */
  async function fileUnitSortingFirst(): Promise<void> {
    added += 1;
    await dataSource.query(
      `INSERT INTO units (code, name, kind, sort_order)
       SELECT $1, $2, 'department', max(sort_order) + 1 FROM units`,
      [`snapshot-${added}`, `导出期间新建单位${added}`],
    );
  }

  async function allNames(): Promise<string[]> {
    const rows = await dataSource.query<{ name: string }[]>(
      `SELECT name FROM units ORDER BY sort_order DESC, id DESC`,
    );
    return rows.map((row) => row.name);
  }

  it('without a snapshot, a row filed between two pages repeats a row (the hazard)', async () => {
    const before = await allNames();
    const read: string[] = [];
    for (let page = 1; ; page += 1) {
      const rows = await readPage(page, dataSource);
      read.push(...rows);
      if (page === 1) {
        await fileUnitSortingFirst();
      }
      if (rows.length < PAGE_SIZE) {
        break;
      }
    }
    expect(read).toHaveLength(before.length + 1);
    expect(new Set(read).size).toBe(before.length);
    expect(read[PAGE_SIZE]).toBe(before[PAGE_SIZE - 1]);
  });

  it('snapshotPages gives the ledger as it was when the export began, each row once', async () => {
    const before = await allNames();
    expect(before.length).toBeGreaterThan(3 * PAGE_SIZE);
    const read: string[] = [];
    let pages = 0;
    for await (const rows of snapshotPages(dataSource, readPage, PAGE_SIZE)) {
      pages += 1;
      read.push(...rows);
      if (pages <= 2) {
        await fileUnitSortingFirst();
      }
    }
    expect(read).toEqual(before);
    expect(pages).toBe(Math.ceil(before.length / PAGE_SIZE));
    // The two units filed meanwhile are there for the next export.
    expect(await allNames()).toHaveLength(before.length + 2);
  });

  it('a consumer stopping early ends the transaction and gives the connection back', async () => {
    for await (const rows of snapshotPages(dataSource, readPage, PAGE_SIZE)) {
      expect(rows).toHaveLength(PAGE_SIZE);
      break;
    }
    const open = await dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM pg_stat_activity
        WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
    );
    expect(open[0].count).toBe(0);
    // Writes still work on every pooled connection (none is stuck read-only).
    await Promise.all([1, 2, 3].map(() => fileUnitSortingFirst()));
  });

  it('a write inside the snapshot is refused (read-only transaction)', async () => {
    const writeInside = (page: number, db: SqlRunner) =>
      db.query<unknown[]>(`INSERT INTO units (code, name, kind) VALUES ('x', 'x', 'department')`);
    const iterate = async () => {
      for await (const rows of snapshotPages(dataSource, writeInside, PAGE_SIZE)) {
        void rows;
      }
    };
    await expect(iterate()).rejects.toThrow(/read-only transaction/);
  });
});
