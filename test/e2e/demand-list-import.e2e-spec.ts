import ExcelJS from 'exceljs';
import type { Response } from 'supertest';
import { validationAt } from '../helpers/excel.js';
import { login, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser } from '../helpers/users.factory.js';

const binary = (response: Response, callback: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('end', () => callback(null, Buffer.concat(chunks)));
};

async function workbookFrom(buffer: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  return workbook;
}

describe('Demand list import from the Excel template (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  let office: HttpSession;

  const upload = (content: Buffer) =>
    office.agent
      .post(`/demand-list/import?_csrf=${office.csrfToken}`)
      .attach('file', content, '需求清单.xlsx');
  const template = async () => {
    const response = await office.agent
      .get('/demand-list/import/template')
      .buffer(true)
      .parse(binary);
    expect(response.status).toBe(200);
    return workbookFrom(response.body as Buffer);
  };
  const count = async () =>
    (
      await testApp.dataSource.query<{ assignments: number; tasks: number }[]>(
        `SELECT (SELECT count(*)::int FROM assignments) AS assignments, (SELECT count(*)::int FROM assignment_tasks) AS tasks`,
      )
    )[0];

  beforeAll(async () => {
    testApp = await createTestApp();
    const user = await createUser(testApp.dataSource, {
      unitCode: '市委改革办',
      roles: ['office'],
    });
    office = await login(testApp.server, user.mobile, user.password);
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('should offer a template with an instructions sheet listing the valid units', async () => {
    const workbook = await template();
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['需求清单', '填写说明']);
    const help = workbook.getWorksheet('填写说明')!;
    const unitsRow = help
      .getRows(1, help.rowCount)!
      .find((row) => row.getCell(1).value === '可选单位')!;
    expect(unitsRow.getCell(2).value as string).toContain('西部科学城重庆高新区');
    // 领域 (column C) and 承办单位 (D) are dropdowns over the lists on 填写说明; 领域 refuses
    // anything else, 承办单位 only warns (several units joined with 、).
    const sheet = workbook.getWorksheet('需求清单')!;
    const domain = validationAt(sheet, 'C2')!;
    expect(domain).toMatchObject({ type: 'list', errorStyle: 'error' });
    expect(validationAt(sheet, 'C1001')).toEqual(domain);
    const units = validationAt(sheet, 'D500')!;
    expect(units).toMatchObject({ type: 'list', errorStyle: 'warning' });
    const [, column, first, last] = /^'填写说明'!\$([A-Z]+)\$(\d+):\$[A-Z]+\$(\d+)$/.exec(
      units.formulae[0] as string,
    )!;
    const listed = [];
    for (let row = Number(first); row <= Number(last); row += 1) {
      listed.push(help.getCell(`${column}${row}`).value);
    }
    expect(listed).toContain('西部科学城重庆高新区');
    expect(help.getCell(`${column}1`).value).toBe('下拉选项·可选单位');
  });

  it('should import every row of a good file, one task per unit', async () => {
    const workbook = await template();
    const sheet = workbook.getWorksheet('需求清单')!;
    sheet.spliceRows(2, 1); // the example row
    sheet.addRow([
      '推进科技人才评价改革',
      '构建以创新价值为导向的评价体系',
      '经济体制改革',
      '渝中区、江北区',
      '2026-06-30',
    ]);
    sheet.addRow(['建立社区治理积分制度', '', '', '万州区', new Date(Date.UTC(2026, 8, 30))]);
    const response = await upload(Buffer.from(await workbook.xlsx.writeBuffer()));
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/demand-list');
    const rows = await testApp.dataSource.query<
      { title: string; deadline: string; units: string }[]
    >(
      `SELECT a.title, to_char(a.deadline, 'YYYY-MM-DD') AS deadline, string_agg(u.name, '、' ORDER BY u.sort_order) AS units
         FROM assignments a JOIN assignment_tasks t ON t.assignment_id = a.id JOIN units u ON u.id = t.unit_id
        WHERE a.kind = 'demand_list' GROUP BY a.id ORDER BY a.title`,
    );
    expect(rows).toEqual([
      { title: '建立社区治理积分制度', deadline: '2026-09-30', units: '万州区' },
      { title: '推进科技人才评价改革', deadline: '2026-06-30', units: '渝中区、江北区' },
    ]);
  });

  it('should import nothing from a file with one bad row, and name the row and column in an annotated file', async () => {
    const before = await count();
    const workbook = await template();
    const sheet = workbook.getWorksheet('需求清单')!;
    sheet.spliceRows(2, 1);
    sheet.addRow(['一条正确的任务', '', '', '渝中区', '2026-06-30']);
    sheet.addRow(['', '缺标题', '', '不存在区', '2026-02-30']);
    sheet.addRow(['公式行', '', '', '渝中区', '2026-06-30']);
    sheet.getCell('B4').value = {
      formula: 'HYPERLINK("http://x","y")',
    };
    const response = await upload(Buffer.from(await workbook.xlsx.writeBuffer()));
    expect(response.status).toBe(422);
    expect(response.text).toContain('未导入任何任务');
    expect(response.text).toMatch(/<td>3<\/td><td>标题<\/td><td>标题不能为空<\/td>/);
    expect(response.text).toMatch(
      /<td>3<\/td><td>承办单位<\/td><td>没有名为“不存在区”的单位<\/td>/,
    );
    expect(response.text).toMatch(/<td>3<\/td><td>反馈时限<\/td>/);
    expect(response.text).toMatch(/<td>4<\/td><td>描述<\/td><td>不支持公式/);
    expect(await count()).toEqual(before);

    const fileId = /href="\/attachments\/([0-9a-f-]{36})" id="import-error-file"/.exec(
      response.text,
    )?.[1];
    expect(fileId).toBeDefined();
    const annotated = await workbookFrom(
      (await office.agent.get(`/attachments/${fileId}`).buffer(true).parse(binary)).body as Buffer,
    );
    const annotatedSheet = annotated.getWorksheet('需求清单')!;
    expect(annotatedSheet.getRow(1).getCell(6).value).toBe('错误说明');
    expect(annotatedSheet.getRow(2).getCell(6).value).toBeNull();
    expect(annotatedSheet.getRow(3).getCell(6).value as string).toContain('【标题】标题不能为空');
    expect(annotatedSheet.getRow(3).getCell(6).value as string).toContain(
      '【承办单位】没有名为“不存在区”的单位',
    );
    expect(annotatedSheet.getRow(4).getCell(6).value as string).toContain('【描述】不支持公式');
  });

  it('should refuse a file that is not the template, and other roles', async () => {
    const wrong = new ExcelJS.Workbook();
    wrong.addWorksheet('Sheet1').addRow(['名称', '单位']);
    const response = await upload(Buffer.from(await wrong.xlsx.writeBuffer()));
    expect(response.status).toBe(422);
    expect(response.text).toContain('表头与模板不一致');
    const garbage = await upload(Buffer.from('not an excel file'));
    expect(garbage.status).toBe(422);
    expect(garbage.text).toContain('无法读取该文件');
    const clerk = await createUser(testApp.dataSource, { unitCode: 'yuzhong', roles: ['entry'] });
    const clerkSession = await login(testApp.server, clerk.mobile, clerk.password);
    expect((await clerkSession.agent.get('/demand-list/import')).status).toBe(403);
  });
});
