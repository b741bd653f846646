import ExcelJS from 'exceljs';
import { Clock } from '../../src/common/time/clock.js';
import type { IndicatorSystemDefinition } from '../../src/scoring/calculation/indicator-system.js';
import { binaryParser, validationAt } from '../helpers/excel.js';
import { login, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser } from '../helpers/users.factory.js';

/** 指标测算: percentages, the downloadable template, and the report's own export read back. */
describe('What-if (指标测算): 8.3%, the Excel template, the report export read back (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  let office: HttpSession;
  let system: { id: number; definition: IndicatorSystemDefinition };

  const totals = (html: string) =>
    [...html.matchAll(/<td class="num strong">([0-9.]+)<\/td>/g)].map((match) => match[1]);
  const download = (url: string) =>
    office.agent
      .get(url)
      .buffer(true)
      .parse(binaryParser)
      .then((response) => ({ status: response.status, body: response.body as Buffer }));
  const upload = (content: Buffer, name: string) =>
    office.agent
      .post(`/what-if/upload?system=${system.id}&_csrf=${office.csrfToken}`)
      .attach('file', content, name);

  beforeAll(async () => {
    testApp = await createTestApp();
    testApp.app.get(Clock).now = () => new Date('2026-11-20T10:00:00+08:00');
    const user = await createUser(testApp.dataSource, {
      unitCode: '市委改革办',
      roles: ['office'],
    });
    office = await login(testApp.server, user.mobile, user.password);
    system = (
      await testApp.dataSource.query<{ id: number; definition: IndicatorSystemDefinition }[]>(
        `SELECT id, definition FROM indicator_systems WHERE kind = 'district' AND status = 'active'`,
      )
    )[0];
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('should state the percentage rule on the page and link the template', async () => {
    const page = await office.agent.get('/what-if');
    expect(page.text).toContain('百分数的规则');
    expect(page.text).toContain('8.3 与 8.3% 相同，都表示 8.3%');
    expect(page.text).toContain(`href="/what-if/template?system=${system.id}"`);
  });

  it('should read 8.3% and 8.3 as 8.3% of a rate, and name the cell of an 830 instead of scoring 830%', async () => {
    const refused = await office.post('/what-if', {
      system: String(system.id),
      text: '单位,试点按时通过验收率,承接国家级和市级试点项目数\n甲区,8.3%,1\n乙区,830,2\n丙区,100%,3\n',
    });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain(
      '第 3 行「试点按时通过验收率」列：“830”超出范围：比率按百分数填写，须在 0–100 之间',
    );
    expect(refused.text).not.toContain('what-if-result');

    const scored = await office.post('/what-if', {
      system: String(system.id),
      text: '单位,试点按时通过验收率,承接国家级和市级试点项目数\n甲区,8.3%,1\n乙区,8.3,2\n丙区,100%,3\n',
    });
    expect(scored.status).toBe(200);
    expect(scored.text).toContain('8.3%');
    expect(scored.text).not.toContain('830.0%');
    // 试点按时通过验收率 (10 points, single tier 0.8–1.0 between the lowest and highest value):
    // 甲区 and 乙区 at the lowest 8.3% get 8, 丙区 at 100% gets 10. 承接…项目数 (20 points):
    // 1 → 16, 2 → 18, 3 → 20. Totals: 甲区 24, 乙区 26, 丙区 30.
    expect(totals(scored.text)).toEqual(['30.00', '26.00', '24.00']);
  });

  it('should offer an Excel template with the indicator names as headers and the 41 districts, and score it filled in', async () => {
    const template = await download(`/what-if/template?system=${system.id}`);
    expect(template.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(template.body as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(['区县', ...system.definition.indicators.map((i) => i.name)]);
    const districts = await testApp.dataSource.query<{ name: string }[]>(
      `SELECT name FROM units WHERE kind = 'district' AND active ORDER BY sort_order, id`,
    );
    expect(districts).toHaveLength(41);
    expect(sheet.rowCount).toBe(42);
    expect(sheet.getRow(2).getCell(1).value).toBe(districts[0].name);
    expect(sheet.getRow(42).getCell(1).value).toBe(districts[40].name);
    expect(workbook.getWorksheet('填写说明')).toBeDefined();
    // 区县 from a dropdown (the list on 填写说明), a rate 0–100, an event count a whole number ≥ 0.
    expect(validationAt(sheet, 'A2')).toMatchObject({
      type: 'list',
      formulae: [`'填写说明'!$D$2:$D$42`],
    });
    const rate = sheet.getColumn(header.indexOf('试点按时通过验收率') + 1).letter;
    expect(validationAt(sheet, `${rate}42`)).toMatchObject({
      type: 'decimal',
      formulae: [0, 100],
    });
    const deduction = system.definition.indicators.findIndex((i) => i.method.kind === 'deduction');
    if (deduction >= 0) {
      expect(validationAt(sheet, `${sheet.getColumn(deduction + 2).letter}2`)).toMatchObject({
        type: 'whole',
        operator: 'greaterThanOrEqual',
        formulae: [0],
      });
    }

    // Filled in as Excel keeps it: a typed 91.2% is the number 0.912 shown with a % format.
    const rateColumn = header.indexOf('试点按时通过验收率') + 1;
    const codes = system.definition.indicators.map((i) => i.code);
    for (let row = 2; row <= 42; row += 1) {
      codes.forEach((code, index) => {
        const cell = sheet.getRow(row).getCell(index + 2);
        if (index + 2 === rateColumn) {
          cell.value = row === 2 ? 0.5 : 1;
          cell.numFmt = '0.0%';
        } else {
          cell.value = code === 'pilot_count' ? row - 1 : 0;
        }
      });
    }
    const filled = Buffer.from(await workbook.xlsx.writeBuffer());
    const scored = await upload(filled, '测算.xlsx');
    expect(scored.status).toBe(200);
    expect(totals(scored.text)).toHaveLength(41);
    // The first district: 50% (the lowest rate) and 1 pilot (the fewest) is last.
    expect(scored.text).toContain('50.0%');
    expect(scored.text).not.toContain('5000.0%');
  });

  it('should read back the report’s own Excel export and give the report’s totals', async () => {
    // The quarter's satisfaction return, approved: the report's input, a different score each.
    const surveyUser = await createUser(testApp.dataSource, {
      unitCode: '市社情民意调查中心',
      roles: ['entry'],
    });
    const survey = await login(testApp.server, surveyUser.mobile, surveyUser.password);
    const districts = await testApp.dataSource.query<{ id: number }[]>(
      `SELECT id FROM units WHERE kind = 'district' AND active ORDER BY sort_order`,
    );
    const form: Record<string, string> = { quarter: '2026-Q3', conclusion: '总体满意。' };
    districts.forEach((district, index) => {
      form[`score_${district.id}`] = (75 + (index % 20) * 0.75).toFixed(2);
    });
    const draft = await survey.post('/satisfaction', form);
    expect(draft.status).toBe(303);
    const returnId = String(draft.headers.location).split('/').pop()!;
    await survey.htmx('post', `/records/${returnId}/transitions`, { action: 'submit' });
    await office.htmx('post', `/records/${returnId}/transitions`, { action: 'confirm' });

    const generated = await office.post('/reports', { kind: 'district', period: '2026-Q3' });
    expect(generated.status).toBe(303);
    const reportId = String(generated.headers.location).split('/').pop()!;
    const exported = await download(`/reports/${reportId}/export`);
    expect(exported.status).toBe(200);
    const scored = await upload(exported.body, '报表.xlsx');
    expect(scored.status).toBe(200);
    const report = await office.agent.get(`/reports/${reportId}`);
    expect(totals(scored.text)).toHaveLength(41);
    expect(totals(scored.text)).toEqual(totals(report.text));
  });
});
