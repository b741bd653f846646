import ExcelJS from 'exceljs';
import { SatisfactionService } from '../../src/satisfaction/satisfaction.service.js';
import { binaryParser, validationAt } from '../helpers/excel.js';
import { login, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, type TestUser } from '../helpers/users.factory.js';

describe('Satisfaction returns (改革满意度) (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  let survey: HttpSession;
  let office: HttpSession;
  let districts: { id: number; name: string }[];

  beforeAll(async () => {
    testApp = await createTestApp();
    const surveyClerk: TestUser = await createUser(testApp.dataSource, {
      unitCode: '市社情民意调查中心',
      roles: ['entry'],
    });
    const officeUser = await createUser(testApp.dataSource, {
      unitCode: '市委改革办',
      roles: ['office'],
    });
    survey = await login(testApp.server, surveyClerk.mobile, surveyClerk.password);
    office = await login(testApp.server, officeUser.mobile, officeUser.password);
    districts = await testApp.app.get(SatisfactionService).districts();
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('should refuse an imported sheet with a missing district, a duplicate and a score of 101, naming the rows', async () => {
    const template = await survey.agent
      .get('/satisfaction/template')
      .buffer(true)
      .parse(binaryParser);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(template.body as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    // The template explains itself and guards its cells: 区县 from a dropdown, 得分 0–100.
    const help = workbook.getWorksheet('填写说明')!;
    expect(help.getCell('A2').value).toBe('得分');
    expect(validationAt(sheet, 'A2')).toMatchObject({
      type: 'list',
      formulae: [`'填写说明'!$D$2:$D$42`],
    });
    expect(help.getCell('D2').value).toBe(districts[0].name);
    expect(validationAt(sheet, 'B42')).toMatchObject({
      type: 'decimal',
      operator: 'between',
      formulae: [0, 100],
      errorStyle: 'error',
    });
    // Rows 2..42 hold the 41 districts in order: fill all, then break three things.
    for (let row = 2; row <= 42; row += 1) {
      sheet.getRow(row).getCell(2).value = 90;
    }
    sheet.getRow(2).getCell(2).value = 101; // 万州区
    sheet.getRow(3).getCell(1).value = '万州区'; // a duplicate in place of 黔江区
    const response = await survey.agent
      .post(`/satisfaction/import?_csrf=${survey.csrfToken}`)
      .attach('file', Buffer.from(await workbook.xlsx.writeBuffer()), '得分.xlsx');
    expect(response.status).toBe(422);
    // At the top: a one-line summary, then the row that fits no district.
    const summary =
      /<div class="flash flash-error" role="alert" id="scores-error">([\s\S]*?)<\/div>/.exec(
        response.text,
      )![1];
    expect([...summary.matchAll(/<li>([^<]*)<\/li>/g)].map((match) => match[1])).toEqual([
      '有 3 处需要修改：万州区 的得分有误；黔江区 没有得分；表中 1 行有误',
      '第 3 行：万州区 重复',
    ]);
    // Beside the inputs: the bad score (kept, naming its Excel row) and the district the sheet lacks.
    const [wanzhou, qianjiang] = districts;
    expect(response.text).toContain(
      `value="101" aria-invalid="true" aria-describedby="score_${wanzhou.id}-error"><p class="field-error" id="score_${wanzhou.id}-error">第 2 行：得分“101”须为 0–100 之间、最多两位小数的数</p>`,
    );
    expect(response.text).toContain(
      `value="" aria-invalid="true" aria-describedby="score_${qianjiang.id}-error"><p class="field-error" id="score_${qianjiang.id}-error">表中缺少该区县，请补上一行</p>`,
    );
    expect(response.text.match(/aria-invalid="true"/g)).toHaveLength(2);
    expect(
      (
        await testApp.dataSource.query<{ count: number }[]>(
          `SELECT count(*)::int AS count FROM satisfaction_returns`,
        )
      )[0].count,
    ).toBe(0);
  });

  it('should mark each bad typed score beside its input, keep what was typed and sum up at the top', async () => {
    const [wanzhou, qianjiang, fuling] = districts;
    const form: Record<string, string> = {
      quarter: '2026-Q1',
      conclusion: '总体满意。',
      submit: '1',
      [`score_${wanzhou.id}`]: 'abc',
      [`score_${qianjiang.id}`]: '150',
    };
    const response = await survey.post('/satisfaction', form);
    expect(response.status).toBe(422);
    const box =
      /<div class="flash flash-error" role="alert" id="scores-error">([\s\S]*?)<\/div>/.exec(
        response.text,
      )![1];
    const lines = (html: string) =>
      [...html.matchAll(/<li>([^<]*)<\/li>/g)].map((match) => match[1]);
    // One line naming the districts, not one line per district.
    expect(lines(box)).toEqual([
      `有 41 处需要修改：万州区、黔江区 的得分有误；${districts
        .slice(2, 7)
        .map((district) => district.name)
        .join('、')} 等 39 个区县没有得分`,
    ]);
    const field = (id: number, value: string, message: string) =>
      `<input id="score_${id}" name="score_${id}" type="text" inputmode="decimal" maxlength="6" value="${value}" aria-invalid="true" aria-describedby="score_${id}-error"><p class="field-error" id="score_${id}-error">${message}</p>`;
    expect(response.text).toContain(
      field(wanzhou.id, 'abc', '得分“abc”须为 0–100 之间、最多两位小数的数'),
    );
    expect(response.text).toContain(
      field(qianjiang.id, '150', '得分“150”须为 0–100 之间、最多两位小数的数'),
    );
    expect(response.text).toContain(field(fuling.id, '', '请填写得分'));

    // The other districts filled in: only the two bad scores are left to mend.
    for (const district of districts.slice(2)) {
      form[`score_${district.id}`] = '85';
    }
    const two = await survey.post('/satisfaction', form);
    expect(two.status).toBe(422);
    expect(
      lines(
        /<div class="flash flash-error" role="alert" id="scores-error">([\s\S]*?)<\/div>/.exec(
          two.text,
        )![1],
      ),
    ).toEqual(['有 2 处需要修改：万州区、黔江区 的得分有误']);
    expect(two.text.match(/aria-invalid="true"/g)).toHaveLength(2);
    expect(two.text).toContain(
      `id="score_${fuling.id}" name="score_${fuling.id}" type="text" inputmode="decimal" maxlength="6" value="85">`,
    );
    expect(two.text).toContain('请上传调查报告');
    expect(
      (
        await testApp.dataSource.query<{ count: number }[]>(
          `SELECT count(*)::int AS count FROM satisfaction_returns`,
        )
      )[0].count,
    ).toBe(0);
  });

  it('should keep the import label on one line: its text and the template link in one grid cell', async () => {
    const page = await survey.agent.get('/satisfaction/new');
    expect(page.text).toContain(
      '<label><span>从 Excel 导入得分（<a href="/satisfaction/template">下载模板</a>）</span> <input type="file"',
    );
  });

  it('should take a complete typed return to the office and show it in each district history', async () => {
    const form: Record<string, string> = { quarter: '2026-Q3', conclusion: '总体满意度稳中有升。' };
    districts.forEach((district, index) => {
      form[`score_${district.id}`] = (80 + (index % 20) + 0.25).toFixed(2);
    });
    const missingReport = await survey.post('/satisfaction', { ...form, submit: '1' });
    expect(missingReport.status).toBe(422);
    expect(missingReport.text).toContain('请上传调查报告');
    const draft = await survey.post('/satisfaction', form);
    expect(draft.status).toBe(303);
    const id = String(draft.headers.location).split('/').pop()!;
    expect(
      (await survey.htmx('post', `/records/${id}/transitions`, { action: 'submit' })).status,
    ).toBe(200);
    expect(
      (await office.htmx('post', `/records/${id}/transitions`, { action: 'confirm' })).status,
    ).toBe(200);
    const history = await testApp.app.get(SatisfactionService).historyByDistrict(districts[0].id);
    expect(history).toEqual([{ quarter: '2026-Q3', score: 80.25 }]);
    const again = await survey.post('/satisfaction', form);
    expect(again.status).toBe(422);
    expect(again.text).toContain('2026年第三季度已有满意度报表');
    // The pages name the quarter as the rest of the system does; the code stays in form values.
    const list = await office.agent.get('/satisfaction');
    expect(list.text).toContain(`<a href="/satisfaction/${id}">2026年第三季度</a>`);
    const show = await office.agent.get(`/satisfaction/${id}`);
    expect(show.text).toContain('<h1>2026年第三季度区县改革满意度</h1>');
    expect(show.text).toContain('<title>2026年第三季度区县改革满意度');
    expect(show.text).not.toContain('2026-Q3');
    // The record's title (inbox, 我的填报, notifications, audit) names it the same way.
    const titles = await testApp.dataSource.query<{ title: string }[]>(
      `SELECT title FROM workflow_items WHERE id = $1`,
      [id],
    );
    expect(titles).toEqual([{ title: '2026年第三季度区县改革满意度' }]);
    const blank = await survey.agent.get('/satisfaction/new');
    const options = [...blank.text.matchAll(/<option value="(\d{4})-Q(\d)" *>([^<]*)<\/option>/g)];
    expect(options).toHaveLength(8);
    for (const [, year, quarter, label] of options) {
      expect(label).toBe(`${year}年第${'一二三四'[Number(quarter) - 1]}季度`);
    }
  });

  it('should list a district history of confirmed scores only, opening on the own district of a district user', async () => {
    const form: Record<string, string> = { quarter: '2026-Q2', conclusion: '草稿，尚未上报。' };
    districts.forEach((district) => {
      form[`score_${district.id}`] = '70';
    });
    expect((await survey.post('/satisfaction', form)).status).toBe(303);
    const history = await office.agent.get(`/satisfaction/history?unit=${districts[0].id}`);
    expect(history.status).toBe(200);
    expect(history.text).toContain('万州区改革满意度');
    expect(history.text).toContain('<td>2026年第三季度</td><td class="num">80.25</td>');
    expect(history.text).not.toContain('2026年第二季度');
    const wanzhouClerk = await createUser(testApp.dataSource, {
      unitCode: 'wanzhou',
      roles: ['entry'],
    });
    const wanzhou = await login(testApp.server, wanzhouClerk.mobile, wanzhouClerk.password);
    const own = await wanzhou.agent.get('/satisfaction/history');
    expect(own.text).toContain('万州区改革满意度');
    expect(own.text).toContain('<td>2026年第三季度</td><td class="num">80.25</td>');
    expect((await office.agent.get('/satisfaction/history')).text).toContain('请选择区县');
  });
});
