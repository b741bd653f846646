import { inflateRawSync } from 'node:zlib';
import { binaryParser } from '../helpers/excel.js';
import { login, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { pdfPages } from '../helpers/pdf-text.js';
import { createUser, type TestUser } from '../helpers/users.factory.js';
import { Clock } from '../../src/common/time/clock.js';

/** One file of a zip archive (a .docx is one), read from its central directory. */
function zipEntry(zip: Buffer, name: string): string | undefined {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let offset = zip.readUInt32LE(end + 16);
  const count = zip.readUInt16LE(end + 10);
  for (let i = 0; i < count; i += 1) {
    const method = zip.readUInt16LE(offset + 10);
    const size = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const local = zip.readUInt32LE(offset + 42);
    const entryName = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    if (entryName === name) {
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(start, start + size);
      return (method === 8 ? inflateRawSync(data) : data).toString('utf8');
    }
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return undefined;
}

/** The text of a Word document's body, runs joined (w:t elements). */
const documentText = (xml: string) =>
  [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((match) => match[1]).join('');

/**
 * 简报: each generated report downloads as a Word and a PDF briefing and prints from an A4 page, with the
 * ranking, the 五色图 (coloured, numbered) and the rank changes against the previous period.
 *
 * Satisfaction is the only indicator that differs between districts here: in 2026-Q2 the scores
 * rise with the districts' sort order (the last district first), in 2026-Q3 they fall (the first
 * district first), so the Q3 ranking turns the Q2 one upside down.
 */
describe('Report briefings (简报): Word, PDF and print (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  let leader: TestUser;
  let clerk: TestUser;
  let districts: { id: number; name: string }[];
  let firstReport = '';
  let secondReport = '';
  const sessions = new Map<string, HttpSession>();
  const as = async (user: TestUser) => {
    let session = sessions.get(user.mobile);
    if (!session) {
      session = await login(testApp.server, user.mobile, user.password);
      sessions.set(user.mobile, session);
    }
    return session;
  };

  beforeAll(async () => {
    testApp = await createTestApp();
    testApp.app.get(Clock).now = () => new Date('2026-11-20T10:00:00+08:00');
    const ds = testApp.dataSource;
    const office = await createUser(ds, { unitCode: '市委改革办', roles: ['office'] });
    leader = await createUser(ds, { unitCode: '市委改革办', roles: ['leader'] });
    clerk = await createUser(ds, { unitCode: 'yuzhong', roles: ['entry'] });
    const survey = await createUser(ds, { unitCode: '市社情民意调查中心', roles: ['entry'] });
    districts = await ds.query<{ id: number; name: string }[]>(
      `SELECT id, name FROM units WHERE kind = 'district' AND active ORDER BY sort_order`,
    );
    const surveySession = await as(survey);
    const officeSession = await as(office);
    for (const [quarter, score] of [
      ['2026-Q2', (index: number) => 60 + index * 0.5],
      ['2026-Q3', (index: number) => 90 - index * 0.5],
    ] as const) {
      const form: Record<string, string> = { quarter, conclusion: '总体满意。' };
      districts.forEach((district, index) => {
        form[`score_${district.id}`] = score(index).toFixed(2);
      });
      const draft = await surveySession.post('/satisfaction', form);
      expect(draft.status).toBe(303);
      const id = String(draft.headers.location).split('/').pop()!;
      await surveySession.htmx('post', `/records/${id}/transitions`, { action: 'submit' });
      await officeSession.htmx('post', `/records/${id}/transitions`, { action: 'confirm' });
    }
    const generate = async (period: string) => {
      const response = await officeSession.post('/reports', { kind: 'district', period });
      expect(response.status).toBe(303);
      return String(response.headers.location).split('/').pop()!;
    };
    firstReport = await generate('2026-Q2');
    secondReport = await generate('2026-Q3');
  }, 120_000);

  afterAll(async () => {
    await testApp?.close();
  });

  const download = async (user: TestUser, reportId: string, extension = 'docx') =>
    (await as(user)).agent
      .get(`/reports/${reportId}/briefing.${extension}`)
      .buffer(true)
      .parse(binaryParser);

  it('should download the briefing as a Word document with the title, the districts and their rank changes', async () => {
    const response = await download(leader, secondReport);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    expect(response.headers['content-disposition']).toContain(
      encodeURIComponent('区县改革综合指数简报-2026-Q3-'),
    );
    const body = response.body as Buffer;
    expect(body.subarray(0, 2).toString()).toBe('PK');
    const xml = zipEntry(body, 'word/document.xml')!;
    expect(xml).toBeDefined();
    const text = documentText(xml);
    expect(text).toContain('区县改革综合指数简报·2026年第三季度');
    const first = districts[0].name;
    const last = districts[districts.length - 1].name;
    expect(text).toContain(first);
    // The first district ranked last of 41 in Q2 and first in Q3: up 40 places; the last the reverse.
    expect(text).toContain(`${first}（第41→第1名，上升40位）`);
    expect(text).toContain(`${last}（第1→第41名，下降40位）`);
    expect(text).toContain('与2026年第二季度相比，');
    expect(text).toContain('排名变化较大的区县');
    expect(text).toContain('↑40');
    expect(text).toContain('↓40');
    // The 五色图: cells filled with the band colours, each with its band number.
    expect(xml).toContain('w:fill="9C1C24"');
    expect(xml).toContain('w:fill="D0E0F1"');
    expect(text).toContain('五色图');
    expect(text).toMatch(new RegExp(`1 ${first}`));
  });

  it('should download the briefing as an A4 PDF of a few pages: changes, the numbered 五色图 in colour, the ranking', async () => {
    const response = await download(leader, secondReport, 'pdf');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.headers['content-disposition']).toContain(
      encodeURIComponent('区县改革综合指数简报-2026-Q3-'),
    );
    expect(response.headers['content-disposition']).toContain('.pdf');
    const body = response.body as Buffer;
    expect(body.subarray(0, 5).toString()).toBe('%PDF-');
    expect(body.toString('latin1')).toContain('/MediaBox [0 0 595.28 841.89]');
    const pages = pdfPages(body);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(pages.length).toBeLessThanOrEqual(4);
    const text = pages.map((page) => page.text).join('\n');
    const flowing = text.replace(/\n/g, '');
    const first = districts[0].name;
    const last = districts[districts.length - 1].name;
    expect(pages[0].text).toContain('区县改革综合指数简报·2026年第三季度');
    expect(flowing).toContain(`${first}（第41→第1名，上升40位）`);
    expect(flowing).toContain(`${last}（第1→第41名，下降40位）`);
    expect(text).toContain('排名变化较大的区县');
    expect(text).toContain('↑40');
    expect(text).toContain('↓40');
    expect(text).toContain('二、五色图');
    expect(text).toContain(`1 ${first}`);
    expect(text).toContain('三、区县排名');
    // Every district in the ranking: 41 rows after the header (repeated on each page it runs onto).
    for (const district of districts) {
      expect(text).toContain(district.name);
    }
    // The bands' colours fill the tiles and cells: 第一档 #9C1C24 = 156/255, 28/255, 36/255 and
    // 第五档 #D0E0F1 = 208/255, 224/255, 241/255 (pdfkit sets fills as `r g b scn`).
    const content = pages.map((page) => page.content).join('\n');
    expect(content).toMatch(/0\.6117\d* 0\.1098\d* 0\.1411\d* scn/);
    expect(content).toMatch(/0\.8156\d* 0\.8784\d* 0\.9450\d* scn/);
    expect(body.length).toBeLessThan(400_000);
  });

  it('should say in one sentence what to install when the server has no Chinese font for the PDF', async () => {
    const before = process.env.BRIEFING_FONT;
    process.env.BRIEFING_FONT = '/nonexistent/font.ttf';
    try {
      const response = await (await as(leader)).agent.get(`/reports/${secondReport}/briefing.pdf`);
      expect(response.status).toBe(503);
      expect(response.text).toContain(
        '服务器未安装中文字体（fonts-noto-cjk），暂不能生成 PDF 简报',
      );
    } finally {
      if (before === undefined) {
        delete process.env.BRIEFING_FONT;
      } else {
        process.env.BRIEFING_FONT = before;
      }
    }
  });

  it('should say that the first report has no previous period to compare with', async () => {
    const text = documentText(
      zipEntry((await download(leader, firstReport)).body as Buffer, 'word/document.xml')!,
    );
    expect(text).toContain('区县改革综合指数简报·2026年第二季度');
    expect(text).toContain('本期为首次生成的区县改革综合指数报表，暂无上期排名可比。');
  });

  it('should show the print briefing with the ranking, the numbered 五色图 and the changes', async () => {
    const page = await (await as(leader)).agent.get(`/reports/${secondReport}/briefing`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('区县改革综合指数简报·2026年第三季度');
    expect(page.text).toContain('打印 / 另存为 PDF');
    expect(page.text).toContain(`href="/reports/${secondReport}/briefing.docx"`);
    expect(page.text).toContain(`href="/reports/${secondReport}/briefing.pdf"`);
    expect(page.text).toContain(`${districts[0].name}（第41→第1名，上升40位）`);
    expect(page.text.match(/<li class="band-tile band-\d">/g)).toHaveLength(41);
    expect(page.text).toContain('<span class="tile-band-number">1</span>');
    // The report page links to both.
    const report = await (await as(leader)).agent.get(`/reports/${secondReport}`);
    expect(report.text).toContain(`href="/reports/${secondReport}/briefing"`);
  });

  it('should refuse the briefing to those who may not see the report', async () => {
    expect((await download(clerk, secondReport)).status).toBe(403);
    expect((await download(clerk, secondReport, 'pdf')).status).toBe(403);
    expect((await (await as(clerk)).agent.get(`/reports/${secondReport}/briefing`)).status).toBe(
      403,
    );
  });
});
