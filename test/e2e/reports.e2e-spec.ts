import { Clock } from '../../src/common/time/clock.js';
import { ShowcaseService } from '../../src/showcase/showcase.service.js';
import { DistrictInputsService } from '../../src/scoring/reports/district-inputs.service.js';
import { parsePeriod } from '../../src/scoring/reports/report-periods.js';
import { ReportsService } from '../../src/scoring/reports/reports.service.js';
import { binaryParser, columnLetter, readSheet } from '../helpers/excel.js';
import { login, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, unitIdByCode, type TestUser } from '../helpers/users.factory.js';

/**
 * District report 2026-Q3 (as of 2026-09-30) over data filed through HTTP. Hand computation with
 * the default district system (DESIGN §4) — 41 districts:
 *  - pilots: none anywhere → max = min → everyone gets the top coefficient: 20 × 1.0 = 20;
 *    acceptance: none due → 100% for all, max = min → 10 × 1.0 = 10.
 *  - 全国性肯定评价 (25; 1.0/0.9/0.8): 万州 2, 涪陵 1, others 0 → max 2, median 0, min 0.
 *    万州 = max → 25. 涪陵: median ≤ 1 < max → 25 × [0.9 + (1 − 0)/(2 − 0) × 0.1] = 23.75.
 *    Others x = 0 = median → tier A at its bottom: 25 × 0.9 = 22.5.
 *  - 全市推广 (15; 1.0/0.9/0.8): 大足 1, others 0 → 大足 15 × 1.0 = 15, others 15 × 0.9 = 13.5.
 *  - 中央媒体 (10): all 0 → max = min → 10.
 *  - 满意度 (20; 1.0/0.8/0.6): 万州 80, 涪陵 81, 大足 84, the other 38 districts 82.
 *    Sorted: 80, 81, 82 × 38, 84 → min 80, median (21st) 82, max 84.
 *    万州 B: 20 × [0.6 + 0/2 × 0.2] = 12; 涪陵 B: 20 × [0.6 + 1/2 × 0.2] = 14;
 *    大足 S: 20; others A at the median: 20 × 0.8 = 16.
 *  - deductions: 万州 one 负面舆情 −0.1; 涪陵 one 较大群体性事件 −3.
 *  Totals: 大足 20+10+22.5+15+10+20 = 97.5; others 20+10+22.5+13.5+10+16 = 92;
 *          万州 20+10+25+13.5+10+12−0.1 = 90.4; 涪陵 20+10+23.75+13.5+10+14−3 = 88.25.
 *  Ranks: 大足 1, the 38 others share 2, 万州 40, 涪陵 41.
 *  Bands (rank quintiles, floor((rank − 1) × 5 / 41)): rank 1 → 0, rank 2 → floor(5/41) = 0,
 *  rank 40 → floor(195/41) = 4, rank 41 → floor(200/41) = 4.
 */
describe('District reports (报表生成): snapshot from module data, what-if equality, versions (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  const sessions = new Map<string, HttpSession>();
  let office: TestUser;
  let leader: TestUser;
  let survey: TestUser;
  let reporter: TestUser;
  let reporterReviewer: TestUser;
  const clerks: Record<string, TestUser> = {};
  const reviewers: Record<string, TestUser> = {};
  const unitIds: Record<string, number> = {};
  let firstReportId: string;
  let pendingHighlight: string;

  const as = async (user: TestUser) => {
    let session = sessions.get(user.mobile);
    if (!session) {
      session = await login(testApp.server, user.mobile, user.password);
      sessions.set(user.mobile, session);
    }
    return session;
  };
  const idOf = (location: unknown) => String(location).split('/').pop()!;
  const act = async (user: TestUser, id: string, action: string) => {
    const response = await (await as(user)).htmx('post', `/records/${id}/transitions`, { action });
    expect(response.status).toBe(200);
  };
  const subKind = async (code: string) =>
    (
      await testApp.dataSource.query<{ id: number }[]>(
        `SELECT id FROM dictionary_items WHERE kind = 'affirmation_kind' AND code = $1`,
        [code],
      )
    )[0].id;
  const highlight = async (district: string, category: string, kindCode: string) => {
    const response = await (
      await as(clerks[district])
    ).post('/showcase', {
      matter: `${district} 的改革经验`,
      category,
      subKindId: String(await subKind(kindCode)),
      happenedOn: '2026-05-20',
      problemsSolved: '问题',
      results: '成果',
      evidenceClassified: 'on',
      submit: '1',
    });
    expect(response.status).toBe(303);
    return idOf(response.headers.location);
  };
  const approveHighlight = async (district: string, id: string) => {
    await act(reviewers[district], id, 'pass');
    await act(office, id, 'confirm');
  };
  const riskEvent = async (district: string, levelCode: string) => {
    const response = await (
      await as(reporter)
    ).post('/risk', {
      occurredOn: '2026-04-10',
      levelCode,
      involvedKind: 'district',
      involvedUnitId: String(unitIds[district]),
      details: '因改革引发',
      submit: '1',
    });
    expect(response.status).toBe(303);
    const id = idOf(response.headers.location);
    await act(reporterReviewer, id, 'pass');
    await act(office, id, 'confirm');
  };
  const reportRows = (reportId: string) =>
    testApp.dataSource.query<
      {
        subject_name: string;
        total: string;
        rank: number;
        band: number;
        raw_values: Record<string, string>;
      }[]
    >(
      `SELECT subject_name, total, rank, band, raw_values FROM report_rows WHERE report_id = $1 ORDER BY position`,
      [reportId],
    );
  const generate = async (period = '2026-Q3') => {
    const response = await (await as(office)).post('/reports', { kind: 'district', period });
    expect(response.status).toBe(303);
    return idOf(response.headers.location);
  };

  beforeAll(async () => {
    testApp = await createTestApp();
    testApp.app.get(Clock).now = () => new Date('2026-11-20T10:00:00+08:00');
    office = await createUser(testApp.dataSource, { unitCode: '市委改革办', roles: ['office'] });
    leader = await createUser(testApp.dataSource, { unitCode: '市委改革办', roles: ['leader'] });
    survey = await createUser(testApp.dataSource, {
      unitCode: '市社情民意调查中心',
      roles: ['entry'],
    });
    reporter = await createUser(testApp.dataSource, { unitCode: '市委网信办', roles: ['entry'] });
    reporterReviewer = await createUser(testApp.dataSource, {
      unitCode: '市委网信办',
      roles: ['reviewer'],
    });
    for (const district of ['wanzhou', 'fuling', 'dazu', 'tongliang']) {
      clerks[district] = await createUser(testApp.dataSource, {
        unitCode: district,
        roles: ['entry'],
      });
      reviewers[district] = await createUser(testApp.dataSource, {
        unitCode: district,
        roles: ['reviewer'],
      });
      unitIds[district] = await unitIdByCode(testApp.dataSource, district);
    }

    // 满意度 2026-Q3: 万州 80, 涪陵 81, 大足 84, everyone else 82.
    const districts = await testApp.dataSource.query<{ id: number }[]>(
      `SELECT id FROM units WHERE kind = 'district' AND active`,
    );
    const form: Record<string, string> = { quarter: '2026-Q3', conclusion: '总体满意。' };
    for (const district of districts) {
      form[`score_${district.id}`] = '82';
    }
    form[`score_${unitIds.wanzhou}`] = '80';
    form[`score_${unitIds.fuling}`] = '81';
    form[`score_${unitIds.dazu}`] = '84';
    const draft = await (await as(survey)).post('/satisfaction', form);
    expect(draft.status).toBe(303);
    const returnId = idOf(draft.headers.location);
    await act(survey, returnId, 'submit');
    await act(office, returnId, 'confirm');

    await approveHighlight('wanzhou', await highlight('wanzhou', 'national', 'national_1'));
    await approveHighlight('wanzhou', await highlight('wanzhou', 'national', 'national_2'));
    await approveHighlight('fuling', await highlight('fuling', 'national', 'national_1'));
    await approveHighlight('dazu', await highlight('dazu', 'citywide', 'citywide_1'));
    // Pending at the unit reviewer: not counted.
    pendingHighlight = await highlight('tongliang', 'national', 'national_1');
    await riskEvent('wanzhou', 'negative_opinion');
    await riskEvent('fuling', 'incident_larger');
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('should score, rank and band every district as worked out by hand', async () => {
    firstReportId = await generate();
    const rows = await reportRows(firstReportId);
    expect(rows).toHaveLength(41);
    const byName = new Map(rows.map((row) => [row.subject_name, row]));
    expect(byName.get('大足区')).toMatchObject({ total: '195/2', rank: 1, band: 0 });
    expect(byName.get('万州区')).toMatchObject({ total: '452/5', rank: 40, band: 4 });
    expect(byName.get('涪陵区')).toMatchObject({ total: '353/4', rank: 41, band: 4 });
    // The pending highlight of 铜梁 is not counted: it ties with the other 37 at 92.
    expect(byName.get('铜梁区')).toMatchObject({ total: '92', rank: 2, band: 0 });
    expect(rows.filter((row) => row.total === '92')).toHaveLength(38);
    expect(byName.get('万州区')!.raw_values).toMatchObject({
      national_affirmation: '2',
      satisfaction: '80',
      negative_opinion: '1',
      pilot_acceptance_rate: '1',
    });
  });

  it('should take its raw values from the module services', async () => {
    const rows = await reportRows(firstReportId);
    const brand = await testApp.app
      .get(ShowcaseService)
      .brandCountsByDistrict('2026-09-30', '2026-01-01');
    for (const counts of brand) {
      const row = rows.find((candidate) => candidate.subject_name === counts.unitName)!;
      expect([row.raw_values.national_affirmation, row.raw_values.citywide_promotion]).toEqual([
        String(counts.national),
        String(counts.citywide),
      ]);
    }
  });

  it('should give the same scores as the what-if page for the same raw values', async () => {
    const rows = await reportRows(firstReportId);
    const codes = Object.keys(rows[0].raw_values);
    const csv = [
      ['unit', ...codes].join(','),
      ...rows.map((row) =>
        [row.subject_name, ...codes.map((code) => row.raw_values[code])].join(','),
      ),
    ].join('\n');
    const [system] = await testApp.dataSource.query<{ id: number }[]>(
      `SELECT id FROM indicator_systems WHERE kind = 'district' AND status = 'active'`,
    );
    const response = await (
      await as(office)
    ).post('/what-if', { system: String(system.id), text: csv });
    expect(response.status).toBe(200);
    const report = await (await as(office)).agent.get(`/reports/${firstReportId}`);
    const totals = (html: string) =>
      [...html.matchAll(/<td class="num strong">([0-9.]+)<\/td>/g)].map((match) => match[1]);
    expect(totals(response.text)).toHaveLength(41);
    expect(totals(response.text)).toEqual(totals(report.text));
    expect(totals(report.text).slice(0, 2)).toEqual(['97.50', '92.00']);
    expect(totals(report.text).slice(-2)).toEqual(['90.40', '88.25']);
  });

  it('should show the records behind a district number, to the office and that district only', async () => {
    const [row] = await testApp.dataSource.query<{ position: number }[]>(
      `SELECT position FROM report_rows WHERE report_id = $1 AND subject_name = '万州区'`,
      [firstReportId],
    );
    const detail = await (
      await as(office)
    ).agent.get(`/reports/${firstReportId}/rows/${row.position}`);
    expect(detail.status).toBe(200);
    expect(detail.text).toContain('wanzhou 的改革经验');
    expect(detail.text).toContain('重大负面网络舆情（2026-04-10）');
    expect(detail.text).toContain('第 40 名');
    // 历次排名 names the quarter as other pages do, not by its code.
    const rankHistory = detail.text.split('id="rank-history"')[1].split('</section>')[0];
    expect(rankHistory).toContain('<td>2026年第三季度</td>');
    expect(rankHistory).not.toContain('2026-Q3');
    // Totals to 2 decimals, as in the ranking (the stored display text has 4).
    expect(rankHistory).toMatch(/<td class="num">\d+\.\d{2}<\/td>/);
    expect(rankHistory).not.toMatch(/\d+\.\d{4}/);
    const home = await (await as(clerks.wanzhou)).agent.get('/');
    expect(home.text).toMatch(
      /id="unit-standing"><li><a [^>]+>万州区<\/a>：第 \d+ 名 \/ 41，\d+\.\d{2} 分<\/li>/,
    );
    expect(
      (await (await as(clerks.wanzhou)).agent.get(`/reports/${firstReportId}/rows/${row.position}`))
        .status,
    ).toBe(200);
    expect(
      (await (await as(clerks.fuling)).agent.get(`/reports/${firstReportId}/rows/${row.position}`))
        .status,
    ).toBe(404);
    expect((await (await as(clerks.wanzhou)).agent.get(`/reports/${firstReportId}`)).status).toBe(
      403,
    );
    const page = await (await as(leader)).agent.get(`/reports/${firstReportId}`);
    expect(page.text).toContain('采用第 1 版指标体系');
  });

  it('should list, from the stored references, the same records behind every number as the module services give', async () => {
    // Generation keeps references (report_evidence_refs); the pages rebuild the lists from them. They
    // must read as the lists gathered from the modules at the same moment.
    const reports = testApp.app.get(ReportsService);
    const report = await reports.find(firstReportId);
    const gathered = await testApp.app
      .get(DistrictInputsService)
      .gather(report.system_definition, parsePeriod('district', report.period)!);
    let items = 0;
    for (const subject of gathered) {
      const row = await reports.rowOfUnit(firstReportId, subject.unitId!);
      for (const code of Object.keys(subject.evidence)) {
        expect({ code, unit: subject.name, items: row?.evidence[code] ?? [] }).toEqual({
          code,
          unit: subject.name,
          items: subject.evidence[code],
        });
        items += subject.evidence[code].length;
      }
    }
    // 4 approved highlights (万州 2 and 涪陵 1 全国性肯定评价, 大足 1 全市推广), 41 satisfaction
    // surveys, 2 risk events (no pilots in this data: the cockpit and leader-number tests have them).
    expect(items).toBe(47);
  });

  it('should download the report as Excel', async () => {
    const response = await (
      await as(leader)
    ).agent
      .get(`/reports/${firstReportId}/export`)
      .buffer(true)
      .parse(binaryParser);
    expect(response.status).toBe(200);
    const sheet = await readSheet(response.body as Buffer);
    expect(sheet.rows[0].slice(0, 3)).toEqual(['名次', '区县', '五色图']);
    expect(sheet.rows[1].slice(0, 3)).toEqual([1, '大足区', '第一档（红）']);
    expect(sheet.rows).toHaveLength(42);
    // Above the header: the report's name, its period and when it was exported (China time).
    expect(sheet.title[0]).toMatch(/^区县改革综合指数·\d{4}年第.季度$/);
    expect(sheet.title[1]).toMatch(/^筛选条件：考核周期：.+；生成时间：\d{4}-\d{2}-\d{2}$/);
    expect(sheet.title[2]).toMatch(/^导出时间：\d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间）$/);
    expect(sheet.autoFilter).toBe(
      `A${sheet.headerRow}:${columnLetter(sheet.rows[0].length)}${sheet.headerRow}`,
    );
    expect(sheet.frozenRows).toBe(1);
    expect(sheet.pageSetup).toMatchObject({
      orientation: 'landscape',
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: `${sheet.headerRow}:${sheet.headerRow}`,
    });
    // Numbers are numbers: raw values (rates as fractions with a % format), scores, totals.
    const header = sheet.rows[0] as string[];
    const first = sheet.rows[1];
    header.forEach((name, index) => {
      if (/（原始值）|（得分|（起数）|扣分合计|总分/.test(name)) {
        // A rate with nothing due reads 0/0 (the system's 0/0 rule scored it), as on the page.
        const kind =
          first[index] === '0/0' && /率（原始值）/.test(name) ? 'number' : typeof first[index];
        expect([name, kind]).toEqual([name, 'number']);
      }
    });
    const rate = header.findIndex((name) => /率（原始值）/.test(name));
    if (rate >= 0) {
      const counted = sheet.rows.findIndex(
        (row, index) => index > 0 && typeof row[rate] === 'number',
      );
      // The percent format is the column's; a 0/0 cell (nothing due) is text in it.
      expect(sheet.numberFormats[counted > 0 ? counted : 1][rate]).toBe('0.0%');
      if (counted > 0) {
        expect(sheet.rows[counted][rate] as number).toBeLessThanOrEqual(1);
      }
    }
    expect(sheet.numberFormats[1][header.indexOf('总分')]).toBe('0.00');
    // The 五色图 cell is filled with its band's colour (第一档: dark red).
    expect(sheet.fills[1][2]).toBe('FF9C1C24');
    expect(sheet.fills[1][1]).toBeNull();
  });

  it('should keep a generated snapshot as it was after later approvals, and refuse changes in the database', async () => {
    const before = await reportRows(firstReportId);
    await approveHighlight('tongliang', pendingHighlight);
    expect(await reportRows(firstReportId)).toEqual(before);
    await expect(
      testApp.dataSource.query(`UPDATE report_rows SET rank = 1 WHERE report_id = $1`, [
        firstReportId,
      ]),
    ).rejects.toThrow(/frozen/);
    const second = await generate();
    const tongliang = (await reportRows(second)).find((row) => row.subject_name === '铜梁区')!;
    expect(tongliang.raw_values.national_affirmation).toBe('1');
    expect(
      (await reportRows(firstReportId)).find((row) => row.subject_name === '铜梁区')!.raw_values
        .national_affirmation,
    ).toBe('0');
  });

  it('should compute with a newly activated version while old reports keep theirs', async () => {
    const session = await as(office);
    const draft = await session.post('/indicator-systems/drafts', { kind: 'district' });
    expect(draft.status).toBe(303);
    const draftId = idOf(draft.headers.location);
    const page = await session.agent.get(`/indicator-systems/${draftId}`);
    const fields = Object.fromEntries(
      [...page.text.matchAll(/<input name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    for (const match of page.text.matchAll(
      /<select name="(ind-[a-z_]+-window)"[^>]*>[\s\S]*?<option value="([a-z_]+)" selected/g,
    )) {
      fields[match[1]] = match[2];
    }
    const bad = await session.post(`/indicator-systems/${draftId}`, {
      ...fields,
      'ind-satisfaction-points': '-5',
    });
    expect(bad.status).toBe(422);
    const saved = await session.post(`/indicator-systems/${draftId}`, {
      ...fields,
      'ind-satisfaction-points': '30',
      note: '满意度权重调整为 30 分',
    });
    expect(saved.status).toBe(303);
    expect((await session.post(`/indicator-systems/${draftId}/activate`)).status).toBe(303);

    const third = await generate();
    const [meta] = await testApp.dataSource.query<{ system_version: number }[]>(
      `SELECT system_version FROM reports WHERE id = $1`,
      [third],
    );
    expect(meta.system_version).toBe(2);
    // 大足: satisfaction at the top now weighs 30 × 1.0: 97.5 − 20 + 30 = 107.5.
    const dazu = (await reportRows(third)).find((row) => row.subject_name === '大足区')!;
    expect(dazu.total).toBe('215/2');
    const [old] = await testApp.dataSource.query<{ system_version: number }[]>(
      `SELECT system_version FROM reports WHERE id = $1`,
      [firstReportId],
    );
    expect(old.system_version).toBe(1);
    expect(
      (await reportRows(firstReportId)).find((row) => row.subject_name === '大足区')!.total,
    ).toBe('195/2');
  });

  it('should refuse a district report for a quarter without approved satisfaction scores', async () => {
    const response = await (
      await as(office)
    ).post('/reports', {
      kind: 'district',
      period: '2026-Q2',
    });
    expect(response.status).toBe(422);
    expect(response.text).toContain('2026年第二季度的改革满意度尚未审核通过');
    expect(response.text).not.toContain('2026-Q2 的');
  });

  /**
   * Version 3 (from version 2, satisfaction 30): satisfaction and its first level removed, a first
   * level 改革创新度 added with 全市推广 moved under it and scored by the single-tier method (its
   * default coefficients 0.8–1.0). Data since the first report: 铜梁 has 1 全国性肯定评价.
   *  - pilots 20 + acceptance 10 and 中央媒体 10 as before (max = min).
   *  - 全国性肯定评价 (25; 1.0/0.9/0.8): 万州 2, 涪陵 1, 铜梁 1, others 0 → median 0, max 2:
   *    万州 25, 涪陵 and 铜梁 25 × [0.9 + 1/2 × 0.1] = 23.75, others 22.5.
   *  - 全市推广 single tier (15): 大足 1 = max → 15 × [0.8 + 1/1 × 0.2] = 15; others x = min → 12.
   *  Totals: 大足 20+10+22.5+15+10 = 77.5; 万州 20+10+25+12+10−0.1 = 76.9;
   *          铜梁 20+10+23.75+12+10 = 75.75; 37 others 74.5; 涪陵 20+10+23.75+12+10−3 = 72.75.
   *  Ranks: 1, 2, 3, 4 (shared by 37), 41.
   */
  it('should let the office remove, add and move indicators in a draft, refuse what cannot be scored, and report with the new version', async () => {
    const session = await as(office);
    const draftId = idOf(
      (await session.post('/indicator-systems/drafts', { kind: 'district' })).headers.location,
    );
    const page = await session.agent.get(`/indicator-systems/${draftId}`);
    expect(page.text).toContain('计分指标合计 <strong>110</strong> 分');
    expect(page.text).toContain('系统能统计的指标都已在本版本中');
    const fields = Object.fromEntries(
      [...page.text.matchAll(/<input name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    for (const match of page.text.matchAll(
      /<select name="(ind-[a-z_]+-(?:window|firstLevel|method))"[^>]*>[\s\S]*?<option value="([a-z_]+)" selected/g,
    )) {
      fields[match[1]] = match[2];
    }
    expect(fields['ind-citywide_promotion-method']).toBe('three_tier');
    expect(fields['ind-citywide_promotion-firstLevel']).toBe('brand');

    // An invented measure is refused, and the page shows back everything typed, including the
    // row whose first level was removed in the same save.
    const invented = await session.post(`/indicator-systems/${draftId}`, {
      ...fields,
      'fl-satisfaction-remove': '1',
      'add-code': 'gdp_growth',
      'add-name': 'GDP 增速',
      'add-firstLevel': 'brand',
      'add-points': '5',
    });
    expect(invented.status).toBe(422);
    expect(invented.text).toContain('二级指标“gdp_growth”没有数据来源');
    expect(invented.text).toContain('所属的一级指标“satisfaction”不存在');
    expect(invented.text).toContain('value="GDP 增速"');
    expect(invented.text).toContain('所属一级指标不存在');
    expect(invented.text).toContain('name="ind-satisfaction-name" value="社情民意电话调查满意度"');

    // Removal and a new, still empty, first level save as a draft but cannot be put in force.
    const removed = await session.post(`/indicator-systems/${draftId}`, {
      ...fields,
      'fl-satisfaction-remove': '1',
      'ind-satisfaction-remove': '1',
      'addfl-code': 'innovation',
      'addfl-name': '改革创新度',
    });
    expect(removed.status).toBe(303);
    const refused = await session.post(`/indicator-systems/${draftId}/activate`);
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('一级指标“改革创新度”下没有二级指标');
    const reopened = await session.agent.get(`/indicator-systems/${draftId}`);
    expect(reopened.text).toContain('计分指标合计 <strong>80</strong> 分');
    expect(reopened.text).toContain(
      '<option value="satisfaction">社情民意电话调查满意度（satisfaction）</option>',
    );

    // Move 全市推广 under the new level, single tier: saved with its default coefficients.
    delete fields['fl-satisfaction-name'];
    for (const key of Object.keys(fields).filter((k) => k.startsWith('ind-satisfaction-'))) {
      delete fields[key];
    }
    const moved = await session.post(`/indicator-systems/${draftId}`, {
      ...fields,
      'fl-innovation-name': '改革创新度',
      'ind-citywide_promotion-firstLevel': 'innovation',
      'ind-citywide_promotion-method': 'single_tier',
      note: '满意度不再计分；全市推广单列为改革创新度',
    });
    expect(moved.status).toBe(303);
    const flash = await session.agent.get(`/indicator-systems/${draftId}`);
    expect(flash.text).toContain('“全市推广”使用默认系数');
    expect(flash.text).toContain('name="ind-citywide_promotion-low" value="0.8"');
    expect((await session.post(`/indicator-systems/${draftId}/activate`)).status).toBe(303);

    const reportId = await generate();
    const report = await session.agent.get(`/reports/${reportId}`);
    expect(report.status).toBe(200);
    expect(report.text).toContain('改革创新度');
    expect(report.text).not.toContain('社情民意电话调查满意度');
    const cockpit = await (await as(leader)).agent.get(`/cockpit?report=${reportId}`);
    // The cockpit draws the first two scored first levels beside the index (DESIGN §5).
    expect(cockpit.status).toBe(200);
    expect(cockpit.text).toContain('id="index-brand"');
    const rows = await reportRows(reportId);
    const total = (name: string) => rows.find((row) => row.subject_name === name)!;
    expect(total('大足区')).toMatchObject({ total: '155/2', rank: 1 });
    expect(total('万州区')).toMatchObject({ total: '769/10', rank: 2 });
    expect(total('铜梁区')).toMatchObject({ total: '303/4', rank: 3 });
    expect(total('永川区')).toMatchObject({ total: '149/2', rank: 4 });
    expect(rows.filter((row) => row.total === '149/2')).toHaveLength(37);
    expect(total('涪陵区')).toMatchObject({ total: '291/4', rank: 41 });
    expect(Object.keys(total('大足区').raw_values)).not.toContain('satisfaction');
    // No satisfaction indicator, so a quarter without approved scores can be reported now.
    expect((await session.post('/reports', { kind: 'district', period: '2026-Q2' })).status).toBe(
      303,
    );
  });

  /**
   * Score thresholds instead of rank quintiles, over version 3's totals of the test above:
   * 大足 77.5 ≥ 77 → band 0; 万州 76.9 ≥ 76 → 1; 铜梁 75.75 ≥ 75 → 2; the 37 at 74.5 ≥ 74.5 → 3;
   * 涪陵 72.75 → 4 (the last band starts at 0).
   */
  it('should band a new report by the score thresholds the office saves, and show them as the JSON the CLI reads', async () => {
    const session = await as(office);
    const names = ['卓越', '优秀', '良好', '达标', '待提升'];
    const minima = ['77', '76', '75', '74.5', '0'];
    const form = (min: string[]) => ({
      kind: 'district',
      mode: 'score_threshold',
      ...Object.fromEntries(
        names.flatMap((name, i) => [
          [`band-${i}-name`, name],
          [`band-${i}-color`, ['#D7191C', '#fdae61', '#ffd84d', '#1a9641', '#2c7bb6'][i]],
          [`band-${i}-min`, min[i]],
        ]),
      ),
    });
    // Thresholds that leave totals under 70 in no band are refused, and what was typed comes back.
    const gap = await session.post(
      '/indicator-systems/bands',
      form(['77', '76', '75', '74.5', '70']),
    );
    expect(gap.status).toBe(422);
    expect(gap.text).toContain('name="band-4-min" value="70"');
    expect((await session.post('/indicator-systems/bands', form(minima))).status).toBe(303);

    const rows = await reportRows(await generate());
    const band = (name: string) => rows.find((row) => row.subject_name === name)!.band;
    expect([
      band('大足区'),
      band('万州区'),
      band('铜梁区'),
      band('永川区'),
      band('涪陵区'),
    ]).toEqual([0, 1, 2, 3, 4]);
    expect(rows.filter((row) => row.band === 3)).toHaveLength(37);

    const page = await session.agent.get('/indicator-systems?kind=district');
    // The first version's note is the office's words, not a pointer to the design documents.
    expect(page.text).toContain('初始指标体系（依据填报说明附件的指标及分值）');
    expect(page.text).not.toMatch(/DESIGN|README/);
    const shown = /<pre>([\s\S]*?)<\/pre>/.exec(page.text)![1].replaceAll('&quot;', '"');
    expect(JSON.parse(shown)).toEqual({
      mode: 'score_threshold',
      bands: names.map((name, i) => ({
        name,
        color: ['#d7191c', '#fdae61', '#ffd84d', '#1a9641', '#2c7bb6'][i],
        minScore: minima[i],
      })),
    });
  });
});
