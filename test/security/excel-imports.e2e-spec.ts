import ExcelJS from 'exceljs';
import { IMPORT_COLUMNS, IMPORT_SHEET } from '../../src/assignments/demand-list-import.js';
import { login, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser } from '../helpers/users.factory.js';
import {
  bombEntry,
  buildZip,
  entryText,
  unzipEntries,
  zipEntry,
  type ZipEntryBytes,
} from '../helpers/zip-builder.js';

/**
 * The two Excel imports (the survey centre's satisfaction scores, the office's demand list) and
 * the what-if upload, fed what people and attackers send instead of the template: other
 * templates, merged cells, formulas, wrong types, empty and extra sheets, files over the limit,
 * other bytes named .xlsx and zip bombs. Each is refused with a Chinese message naming the row
 * where there is one, never a 500, and nothing is saved.
 */

type Cell = ExcelJS.CellValue;

async function workbook(
  sheets: { name: string; rows: Cell[][]; merge?: string[] }[],
): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  for (const sheet of sheets) {
    const target = book.addWorksheet(sheet.name);
    sheet.rows.forEach((row) => target.addRow(row));
    for (const range of sheet.merge ?? []) {
      target.mergeCells(range);
    }
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

/**
 * A workbook whose shared string `from` becomes `to` as written in the XML: exceljs writes no
 * control characters, but Excel escapes them as _x0007_ and exceljs reads those back.
 */
function withSharedString(content: Buffer, from: string, to: string): Buffer {
  return buildZip(
    unzipEntries(content).map((entry) =>
      entry.name === 'xl/sharedStrings.xml'
        ? zipEntry(entry.name, entryText(entry).replace(from, to))
        : entry,
    ),
  );
}

describe('Excel imports refuse bad workbooks (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  let survey: HttpSession;
  let office: HttpSession;
  let districts: string[];
  let units: string[];
  let bomb: ZipEntryBytes;

  const scoreRows = (score: (index: number) => Cell = () => 90): Cell[][] => [
    ['区县', '得分（0–100，最多两位小数）'],
    ...districts.map((name, index) => [name, score(index)]),
  ];
  const demandRows = (rows: Cell[][]): Cell[][] => [
    IMPORT_COLUMNS.map((column) => column.header),
    ...rows,
  ];
  const importScores = (content: Buffer, name = '得分.xlsx') =>
    survey.agent
      .post(`/satisfaction/import?_csrf=${survey.csrfToken}`)
      .attach('file', content, name);
  const importDemands = (content: Buffer, name = '需求清单.xlsx') =>
    office.agent
      .post(`/demand-list/import?_csrf=${office.csrfToken}`)
      .attach('file', content, name);
  const counts = async () =>
    (
      await testApp.dataSource.query<{ returns: number; assignments: number }[]>(
        `SELECT (SELECT count(*)::int FROM satisfaction_returns) AS returns,
                (SELECT count(*)::int FROM assignments) AS assignments`,
      )
    )[0];

  beforeAll(async () => {
    testApp = await createTestApp();
    const surveyClerk = await createUser(testApp.dataSource, {
      unitCode: '市社情民意调查中心',
      roles: ['entry'],
    });
    const officeUser = await createUser(testApp.dataSource, {
      unitCode: '市委改革办',
      roles: ['office'],
    });
    survey = await login(testApp.server, surveyClerk.mobile, surveyClerk.password);
    office = await login(testApp.server, officeUser.mobile, officeUser.password);
    districts = (
      await testApp.dataSource.query<{ name: string }[]>(
        `SELECT name FROM units WHERE kind = 'district' AND active ORDER BY sort_order`,
      )
    ).map((row) => row.name);
    units = districts.slice(0, 2);
    // 120 MiB of spaces deflate to about 120 KB.
    bomb = await bombEntry('xl/media/image1.png', 120);
  });

  afterAll(async () => {
    expect(await counts()).toEqual({ returns: 0, assignments: 0 });
    await testApp.close();
  });

  describe('satisfaction scores (POST /satisfaction/import)', () => {
    it('should fill the form from the template as a baseline', async () => {
      const response = await importScores(
        await workbook([{ name: '满意度得分', rows: scoreRows() }]),
      );
      expect(response.status).toBe(200);
      expect(response.text).not.toContain('id="scores-error"');
    });

    it.each<[string, () => Promise<Buffer>, string[]]>([
      [
        'another template (the demand list)',
        () => workbook([{ name: IMPORT_SHEET, rows: demandRows([['标题', '', '', '渝中区']]) }]),
        ['表头与模板不一致'],
      ],
      [
        'a score merged over two districts',
        () => workbook([{ name: '满意度得分', rows: scoreRows(), merge: ['B2:B3'] }]),
        [
          '第 2 行：得分单元格是合并单元格',
          '第 3 行：得分单元格是合并单元格',
          '万州区、黔江区 的得分有误',
        ],
      ],
      [
        'a formula for a score',
        () =>
          workbook([
            {
              name: '满意度得分',
              rows: scoreRows((index) => (index === 0 ? { formula: '80+10', result: 90 } : 90)),
            },
          ]),
        ['第 2 行：得分“（公式）”须为 0–100 之间', '万州区 的得分有误'],
      ],
      [
        'text in the score column',
        () =>
          workbook([
            { name: '满意度得分', rows: scoreRows((index) => (index === 1 ? '九十' : 90)) },
          ]),
        ['第 3 行：得分“九十”须为 0–100 之间', '黔江区 的得分有误'],
      ],
      [
        'a date in the score column',
        () =>
          workbook([
            {
              name: '满意度得分',
              rows: scoreRows((index) => (index === 2 ? new Date('2026-06-30T00:00:00Z') : 90)),
            },
          ]),
        ['第 4 行：得分“2026-06-30”须为 0–100 之间', '涪陵区 的得分有误'],
      ],
      [
        'an error value in the score column',
        () =>
          workbook([
            {
              name: '满意度得分',
              rows: scoreRows((index) => (index === 3 ? { error: '#DIV/0!' } : 90)),
            },
          ]),
        ['第 5 行：得分“#DIV/0!”须为 0–100 之间', '渝中区 的得分有误'],
      ],
      [
        'a score of 101 and a negative one',
        () =>
          workbook([
            {
              name: '满意度得分',
              rows: scoreRows((index) => (index === 0 ? 101 : index === 1 ? -5 : 90)),
            },
          ]),
        ['第 2 行：得分“101”', '第 3 行：得分“-5”', '万州区、黔江区 的得分有误'],
      ],
      ['an empty sheet', () => workbook([{ name: '满意度得分', rows: [] }]), ['表头与模板不一致']],
      [
        'the scores on a second sheet behind an instructions sheet',
        () =>
          workbook([
            { name: '说明', rows: [['请在第二个工作表填写得分']] },
            { name: '得分', rows: scoreRows() },
          ]),
        ['表头与模板不一致'],
      ],
    ])('should refuse %s, naming the rows', async (_case, build, messages) => {
      const response = await importScores(await build());
      expect(response.status).toBe(422);
      for (const message of messages) {
        expect(response.text).toContain(message);
      }
      expect(response.text).toContain('id="scores-error"');
    });

    it('should read the template sheet wherever it is among extra sheets', async () => {
      const response = await importScores(
        await workbook([
          { name: '说明', rows: [['填写说明']] },
          { name: '满意度得分', rows: scoreRows() },
          { name: '草稿', rows: [['随便写的']] },
        ]),
      );
      expect(response.status).toBe(200);
      expect(response.text).not.toContain('id="scores-error"');
    });

    it.each<[string, () => Promise<Buffer> | Buffer, string]>([
      [
        'a file over 2 MB',
        () => Buffer.alloc(2 * 1024 * 1024 + 1, 0x41),
        '请选择不超过 2 MB 的 Excel 文件',
      ],
      ['an empty file', () => Buffer.alloc(0), '无法读取该文件'],
      [
        'HTML named .xlsx',
        () => Buffer.from('<html><body>区县,得分</body></html>'),
        '无法读取该文件',
      ],
      ['a CSV named .xlsx', () => Buffer.from('区县,得分\n万州区,90\n'), '无法读取该文件'],
      ['a zip that is not a workbook', () => buildZip([zipEntry('a.txt', 'x')]), '无法读取该文件'],
      [
        'a zip bomb inside a workbook',
        async () =>
          buildZip([
            ...unzipEntries(await workbook([{ name: '满意度得分', rows: scoreRows() }])),
            bomb,
          ]),
        '解压后超过 50 MB',
      ],
      [
        'a zip bomb whose headers lie about its size',
        async () =>
          buildZip([
            ...unzipEntries(await workbook([{ name: '满意度得分', rows: scoreRows() }])),
            { ...bomb, uncompressedSize: 1024 },
          ]),
        '解压后超过 50 MB',
      ],
    ])('should refuse %s with a message, never a 500', async (_case, build, message) => {
      const response = await importScores(await build());
      expect(response.status).toBe(422);
      expect(response.text).toContain(message);
    });
  });

  describe('demand list (POST /demand-list/import)', () => {
    const valid = (overrides: Cell[] = []): Cell[] => {
      const row: Cell[] = [
        '推进数据要素市场化配置改革',
        '建立数据要素市场',
        '',
        units.join('、'),
        '2026-12-31',
      ];
      overrides.forEach((value, index) => {
        if (value !== undefined) {
          row[index] = value;
        }
      });
      return row;
    };

    it.each<[string, () => Promise<Buffer>, string[]]>([
      [
        'another template (the satisfaction scores)',
        () => workbook([{ name: '满意度得分', rows: scoreRows() }]),
        ['表头与模板不一致'],
      ],
      [
        'a title merged over two rows',
        () =>
          workbook([
            {
              name: IMPORT_SHEET,
              rows: demandRows([valid(), valid([null])]),
              merge: ['A2:A3'],
            },
          ]),
        ['不支持合并单元格'],
      ],
      [
        'a whole row merged into the next one',
        () =>
          workbook([
            {
              name: IMPORT_SHEET,
              rows: demandRows([valid(), [null, null, null, null, null]]),
              merge: ['A2:A3', 'B2:B3', 'C2:C3', 'D2:D3', 'E2:E3'],
            },
          ]),
        ['不支持合并单元格'],
      ],
      [
        'formulas',
        () =>
          workbook([
            {
              name: IMPORT_SHEET,
              rows: demandRows([valid([{ formula: 'CONCAT("推进","改革")', result: '推进改革' }])]),
            },
          ]),
        ['不支持公式'],
      ],
      [
        'a deadline as a number (an Excel date serial typed as a number)',
        () => workbook([{ name: IMPORT_SHEET, rows: demandRows([valid([, , , , 46387])]) }]),
        ['反馈时限须为有效日期'],
      ],
      [
        'a deadline as text that is no date',
        () => workbook([{ name: IMPORT_SHEET, rows: demandRows([valid([, , , , '年底前'])]) }]),
        ['反馈时限须为有效日期'],
      ],
      [
        'a unit that does not exist and a title of 201 characters',
        () =>
          workbook([
            {
              name: IMPORT_SHEET,
              rows: demandRows([valid(['改'.repeat(201), , , '不存在的单位'])]),
            },
          ]),
        ['标题不能超过 200 字', '没有名为“不存在的单位”的单位'],
      ],
      [
        'control characters in a title (NUL and BEL escaped as Excel does)',
        async () =>
          withSharedString(
            await workbook([{ name: IMPORT_SHEET, rows: demandRows([valid(['控制字符标题'])]) }]),
            '控制字符标题',
            '标题_x0000_空字符_x0007_响铃',
          ),
        ['控制字符'],
      ],
      ['an empty sheet', () => workbook([{ name: IMPORT_SHEET, rows: [] }]), ['表头与模板不一致']],
      [
        'the header alone',
        () => workbook([{ name: IMPORT_SHEET, rows: demandRows([]) }]),
        ['模板中没有填写任何任务'],
      ],
    ])('should refuse %s, naming the row', async (_case, build, messages) => {
      const response = await importDemands(await build());
      expect(response.status).toBe(422);
      expect(response.text).toContain('id="import-errors"');
      for (const message of messages) {
        expect(response.text).toContain(message);
      }
    });

    it('should read the template sheet among extra sheets and refuse only its bad row', async () => {
      const response = await importDemands(
        await workbook([
          { name: '封面', rows: [['2026 年需求清单']] },
          { name: IMPORT_SHEET, rows: demandRows([valid(), valid([, , , , 'x'])]) },
        ]),
      );
      expect(response.status).toBe(422);
      expect(response.text).toMatch(/<td>3<\/td><td>反馈时限<\/td><td>反馈时限须为有效日期/);
      expect(response.text).not.toMatch(/<td>2<\/td>/);
    });

    it.each<[string, () => Promise<Buffer> | Buffer, string]>([
      ['a file over 5 MB', () => Buffer.alloc(5 * 1024 * 1024 + 1, 0x41), '文件超过 5 MB'],
      ['PDF bytes named .xlsx', () => Buffer.from('%PDF-1.7\n%%EOF\n'), '无法读取该文件'],
      ['a zip that is not a workbook', () => buildZip([zipEntry('a.txt', 'x')]), '无法读取该文件'],
      [
        'a zip bomb inside a workbook',
        async () =>
          buildZip([
            ...unzipEntries(await workbook([{ name: IMPORT_SHEET, rows: demandRows([valid()]) }])),
            bomb,
          ]),
        '解压后超过 50 MB',
      ],
    ])('should refuse %s with a message, never a 500', async (_case, build, message) => {
      const response = await importDemands(await build());
      expect(response.status).toBe(422);
      expect(response.text).toContain(message);
    });
  });

  describe('what-if upload (POST /what-if/upload)', () => {
    it('should refuse a zip bomb and other bytes named .xlsx with a message', async () => {
      const system = (
        await testApp.dataSource.query<{ id: number }[]>(
          `SELECT id FROM indicator_systems WHERE kind = 'district' AND status = 'active'`,
        )
      )[0].id;
      const upload = (content: Buffer) =>
        office.agent
          .post(`/what-if/upload?system=${system}&_csrf=${office.csrfToken}`)
          .attach('file', content, '测算.xlsx');
      const bombed = await upload(
        buildZip([...unzipEntries(await workbook([{ name: 'Sheet1', rows: [['unit']] }])), bomb]),
      );
      expect(bombed.status).toBe(422);
      expect(bombed.text).toContain('解压后超过 50 MB');
      const broken = await upload(buildZip([zipEntry('a.txt', 'x')]));
      expect(broken.status).toBe(422);
      expect(broken.text).toContain('无法读取该 Excel 文件');
    });
  });
});
