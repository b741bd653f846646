import { Clock } from '../../src/common/time/clock.js';
import { binaryParser, readSheet } from '../helpers/excel.js';
import { login, type HttpSession } from '../helpers/http-session.js';
import { createIssuedProject, type IssuedProject } from '../helpers/major-projects.fixture.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, unitIdByCode, type TestUser } from '../helpers/users.factory.js';

/**
 * The scenario, filed through the pages; every step happens at a chosen China time. The business
 * clock is set to that time before the step, and since the database stamps workflow events and
 * items with its own now(), the step's event (and the item's submitted_at / approved_at) is then
 * moved to that time too.
 *
 * Units: 大足区 (A), 铜梁区 (B), 江北区 (D), 万州区 (C), 市发展改革委 (X).
 * Assignments: T0 堵点 to A, deadline 03-20; T1 堵点 to A and B, deadline 05-15;
 * T2 需求清单 to B and D, deadline 06-10. X is responsible for a major project whose map was
 * issued on 03-15.
 *
 * Worked by hand for the period 2026-04-01 … 2026-06-30, today 2026-07-10:
 *   A: H1 submitted 04-06 10:00, rejected by the office 04-08, resubmitted 04-10, returned by the
 *      office 04-13, resubmitted 04-14, approved 04-16 10:00 (10.0 days from the first submit);
 *      H2 submitted 04-20, rejected by A's own reviewer (not counted), resubmitted 04-21 (pending);
 *      T0 first filed 03-18 and approved 03-19 as 推进中 (before the period), so a Q2 update is due
 *      by 06-30: submitted 06-20 10:00 (on time), approved 06-22 10:00 (2.0 days);
 *      T1 filed 05-18 10:00 (late), approved 05-19 22:00 (1.5 days).
 *      → 上报 7, 驳回 1, 退回 1, 应报送 2 (T1, T0-Q2), 按时 1 = 50.0%, 当前逾期 0,
 *        平均 (10 + 2 + 1.5) / 3 = 4.5.
 *   B: H3 submitted 04-08 09:00, approved 04-09 09:00 (1.0); T1 filed 05-15 23:00 (on time),
 *      approved 05-17 23:00 (2.0); T2 never filed.
 *      → 上报 2, 驳回 0, 退回 0, 应报送 2, 按时 1 = 50.0%, 当前逾期 1 (T2), 平均 1.5.
 *   D: T2 filed 06-09 10:00 (on time), still pending. → 上报 1, 应报送 1, 按时 1 = 100.0%,
 *      当前逾期 1 (deadline passed and nothing approved: the ledger's 已逾期), 平均 —.
 *   C: one highlight submitted 05-05 (pending). → 上报 1, nothing due: 按时率 —.
 *   X: monthly reports owed from March (due 03-31, after the 03-15 issue); in the period April
 *      (due 04-30), May (due 05-29, the 31st is a Sunday) and June (due 06-30). April filed 04-28
 *      10:00 and approved 04-29 10:00 (1.0); May filed 06-02 (late, pending); March and June never.
 *      → 上报 2, 应报送 3, 按时 1 = 33.3%, 当前逾期 3 (March, May, June: no approved report),
 *        平均 1.0.
 * Order: D (100%), B (50%, 0 rejections), A (50%, 1 rejection), X (33.3%), C (no rate, 1
 * submission), then every other unit tied on zeros.
 */
describe('Usage evaluation 系统使用情况考评 (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  const sessions = new Map<string, HttpSession>();
  let office: TestUser;
  let leader: TestUser;
  const clerks: Record<string, TestUser> = {};
  const reviewers: Record<string, TestUser> = {};
  const unitIds: Record<string, number> = {};
  let project: IssuedProject;
  let affirmationKind: number;
  let rejectReason: number;

  const as = async (user: TestUser) => {
    let session = sessions.get(user.mobile);
    if (!session) {
      session = await login(testApp.server, user.mobile, user.password);
      sessions.set(user.mobile, session);
    }
    return session;
  };
  const setNow = (instant: string) => {
    testApp.app.get(Clock).now = () => new Date(instant);
  };
  const cst = (dateTime: string) => `2026-${dateTime}:00+08:00`;
  const idOf = (location: unknown) => String(location).split('/').pop()!;

  /** Moves the item's latest workflow event, and its submitted/approved stamps, to `instant`. */
  const stamp = async (itemId: string, instant: string) => {
    await testApp.dataSource.query(
      `UPDATE workflow_events SET at = $2 WHERE id = (SELECT max(id) FROM workflow_events WHERE item_id = $1)`,
      [itemId, instant],
    );
    await testApp.dataSource.query(
      `UPDATE workflow_items
          SET submitted_at = CASE WHEN last_action = 'submit' THEN $2::timestamptz ELSE submitted_at END,
              approved_at = CASE WHEN state = 'approved' THEN $2::timestamptz ELSE approved_at END
        WHERE id = $1`,
      [itemId, instant],
    );
  };
  /** A transition by `user` at a China time (MM-DD HH:MM). */
  const act = async (
    user: TestUser,
    itemId: string,
    action: string,
    when: string,
    reason?: string,
  ) => {
    setNow(cst(when));
    const response = await (
      await as(user)
    ).htmx(
      'post',
      `/records/${itemId}/transitions`,
      reason ? { action, reasonId: String(rejectReason), detail: reason } : { action },
    );
    expect(response.status).toBe(200);
    await stamp(itemId, cst(when));
  };
  /** A record created and submitted through its form at a China time. */
  const fileAt = async (
    user: TestUser,
    path: string,
    form: Record<string, string>,
    when: string,
  ) => {
    setNow(cst(when));
    const response = await (await as(user)).post(path, { ...form, submit: '1' });
    expect(response.status).toBe(303);
    const id = idOf(response.headers.location);
    await stamp(id, cst(when));
    return id;
  };
  const highlight = (unit: string, matter: string, when: string) =>
    fileAt(
      clerks[unit],
      '/showcase',
      {
        matter,
        category: 'national',
        subKindId: String(affirmationKind),
        happenedOn: '2026-03-20',
        problemsSolved: '企业群众办事多头跑。',
        results: '办理时间压缩60%。',
        evidenceClassified: 'on',
      },
      when,
    );
  const assign = async (path: string, title: string, deadline: string, units: string[]) => {
    setNow(cst('03-01 09:00'));
    const response = await (
      await as(office)
    ).post(path, {
      title,
      description: `${title}的具体要求`,
      deadline,
      unitIds: units.map((unit) => String(unitIds[unit])),
    });
    expect(response.status).toBe(303);
    return idOf(response.headers.location);
  };
  const taskOf = async (assignmentId: string, unit: string) =>
    (
      await testApp.dataSource.query<{ id: string }[]>(
        `SELECT id FROM assignment_tasks WHERE assignment_id = $1 AND unit_id = $2`,
        [assignmentId, unitIds[unit]],
      )
    )[0].id;
  const feedback = (unit: string, taskId: string, when: string) =>
    fileAt(
      clerks[unit],
      `/tasks/${taskId}/progress`,
      { status: 'in_progress', workDone: '1.成立工作专班，制定方案。', problems: '无' },
      when,
    );
  const approve = async (unit: string, itemId: string, passAt: string, confirmAt: string) => {
    await act(reviewers[unit], itemId, 'pass', passAt);
    await act(office, itemId, 'confirm', confirmAt);
  };
  const monthlyReport = (month: string, when: string) =>
    fileAt(
      clerks.X,
      `/major-projects/${project.projectId}/indicator-reports/new`,
      {
        month,
        [`actual-${project.indicatorKeys[0].replaceAll('-', '')}`]: '10',
        [`actual-${project.indicatorKeys[1].replaceAll('-', '')}`]: '20',
      },
      when,
    );

  /** The page's table as text cells, row by row. */
  const tableRows = (html: string): string[][] =>
    [...html.matchAll(/<tr id="usage-unit-\d+">([\s\S]*?)<\/tr>/g)].map((row) =>
      [...row[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((cell) => cell[1]),
    );
  const Q2 = '/usage?from=2026-04-01&to=2026-06-30';

  beforeAll(async () => {
    testApp = await createTestApp({ evaluationYearStart: '2026-01-01' });
    const ds = testApp.dataSource;
    office = await createUser(ds, { unitCode: '市委改革办', roles: ['office'] });
    leader = await createUser(ds, { unitCode: '市委改革办', roles: ['leader'] });
    for (const [key, code] of Object.entries({
      A: 'dazu',
      B: 'tongliang',
      C: 'wanzhou',
      D: 'jiangbei',
      X: 'dept-fagai',
    })) {
      clerks[key] = await createUser(ds, { unitCode: code, roles: ['entry'] });
      reviewers[key] = await createUser(ds, { unitCode: code, roles: ['reviewer'] });
      unitIds[key] = await unitIdByCode(ds, code);
    }
    affirmationKind = (
      await ds.query<{ id: number }[]>(
        `SELECT id FROM dictionary_items WHERE kind = 'affirmation_kind' AND code = 'national_1'`,
      )
    )[0].id;
    rejectReason = (
      await ds.query<{ id: number }[]>(
        `SELECT id FROM dictionary_items WHERE kind = 'reject_reason' AND active ORDER BY id LIMIT 1`,
      )
    )[0].id;
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('should show an empty state when nothing has happened, and refuse clerks and reviewers', async () => {
    setNow(cst('07-10 10:00'));
    const empty = await (await as(office)).agent.get(Q2);
    expect(empty.status).toBe(200);
    expect(empty.text).toContain('考评期内没有上报、审核或应报送的记录');
    expect(empty.text).not.toContain('id="usage"');
    for (const user of [clerks.A, reviewers.B]) {
      expect((await (await as(user)).agent.get('/usage')).status).toBe(403);
      expect((await (await as(user)).agent.get('/usage/export')).status).toBe(403);
    }
    // The navigation links it for the office and leaders (active on the page), not for clerks.
    expect(empty.text).toContain(
      '<a href="/usage" class="active" aria-current="page">系统使用情况考评</a>',
    );
    const leaderHome = await (await as(leader)).agent.get('/');
    expect(leaderHome.text).toContain('<a href="/usage">系统使用情况考评</a>');
    expect((await (await as(clerks.A)).agent.get('/')).text).not.toContain('href="/usage"');
    expect((await (await as(leader)).agent.get('/usage')).status).toBe(200);
  });

  it('should count submissions, rejections, returns, on-time filings, overdue items and review days per unit, ranked', async () => {
    // Assignments and the major project.
    const t0 = await assign('/blockers', '审批环节多', '2026-03-20', ['A']);
    const t1 = await assign('/blockers', '企业开办跨部门数据不通', '2026-05-15', ['A', 'B']);
    const t2 = await assign('/demand-list', '推进数据要素市场化配置改革', '2026-06-10', ['B', 'D']);
    project = await createIssuedProject(testApp.dataSource, {
      unit: 'dept-fagai',
      createdBy: office.id,
    });
    await testApp.dataSource.query(
      `UPDATE map_versions SET created_at = $2 WHERE project_id = $1`,
      [project.projectId, cst('03-15 10:00')],
    );

    // A: T0's first feedback in Q1, approved as 推进中.
    const t0First = await feedback('A', await taskOf(t0, 'A'), '03-18 10:00');
    await approve('A', t0First, '03-18 15:00', '03-19 10:00');
    // A: H1 rejected once and returned once by the office, then approved.
    const h1 = await highlight('A', '建立“一件事一次办”集成服务机制', '04-06 10:00');
    await act(reviewers.A, h1, 'pass', '04-07 10:00');
    await act(office, h1, 'reject', '04-08 10:00', '不符合计分条件');
    await act(clerks.A, h1, 'submit', '04-10 10:00');
    await act(reviewers.A, h1, 'pass', '04-11 10:00');
    await act(office, h1, 'return', '04-13 10:00', '佐证材料不全');
    await act(clerks.A, h1, 'submit', '04-14 10:00');
    await approve('A', h1, '04-15 10:00', '04-16 10:00');
    // A: H2 sent back by A's own reviewer (not counted), resubmitted, pending.
    const h2 = await highlight('A', '全市推广的经验', '04-20 10:00');
    await act(reviewers.A, h2, 'reject', '04-20 12:00', '请补充成效数据');
    await act(clerks.A, h2, 'submit', '04-21 10:00');
    // B: H3 approved in a day.
    const h3 = await highlight('B', '建立长江生态检察官制度', '04-08 09:00');
    await approve('B', h3, '04-08 15:00', '04-09 09:00');
    // X: April on time and approved.
    const april = await monthlyReport('2026-04', '04-28 10:00');
    await approve('X', april, '04-28 15:00', '04-29 10:00');
    // C: one highlight, pending.
    await highlight('C', '上线“渝快办”应用', '05-05 10:00');
    // T1: B on time (late evening of the deadline), A three days late.
    const t1B = await feedback('B', await taskOf(t1, 'B'), '05-15 23:00');
    await approve('B', t1B, '05-16 10:00', '05-17 23:00');
    const t1A = await feedback('A', await taskOf(t1, 'A'), '05-18 10:00');
    await approve('A', t1A, '05-19 09:00', '05-19 22:00');
    // X: May filed after its due day, pending.
    await monthlyReport('2026-05', '06-02 10:00');
    // T2: D on time, pending; B never.
    await feedback('D', await taskOf(t2, 'D'), '06-09 10:00');
    // A: T0's quarterly update within Q2.
    const t0Update = await feedback('A', await taskOf(t0, 'A'), '06-20 10:00');
    await approve('A', t0Update, '06-21 10:00', '06-22 10:00');

    setNow(cst('07-10 10:00'));
    const page = await (await as(leader)).agent.get(`${Q2}&kind=all`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('value="2026-04-01"');
    // Handlebars escapes = and & in attributes.
    expect(page.text).toContain(
      'href="/usage/export?from&#x3D;2026-04-01&amp;to&#x3D;2026-06-30&amp;kind&#x3D;all"',
    );
    const rows = tableRows(page.text);
    // 排名 单位 类型 上报 驳回 退回 应报送 按时 按时率 当前逾期 平均审核用时 工作动态报送 工作动态采用 考评得分
    // 考评得分 by hand: most submissions 7 (大足); rates 江北 1, 铜梁 1/2, 大足 1/2, 发改委 1/3 →
    // median 1/2, which units with nothing due get for 按时报送.
    //   大足 50 × 1/2 + 50 × 7/7 − 2 × 1 = 73; 江北 50 × 1 + 50 × 1/7 − 5 × 1 = 52.14;
    //   铜梁 25 + 50 × 2/7 − 5 = 34.29; 万州 25 + 50 × 1/7 = 32.14; idle units 25;
    //   发改委 50 × 1/3 + 50 × 2/7 − 5 × 3 = 15.95 (last: three items overdue).
    expect(rows.slice(0, 4)).toEqual([
      ['1', '大足区', '区县', '7', '1', '1', '2', '1', '50.0%', '0', '4.5', '0', '0', '73.00'],
      ['2', '江北区', '区县', '1', '0', '0', '1', '1', '100.0%', '1', '—', '0', '0', '52.14'],
      ['3', '铜梁区', '区县', '2', '0', '0', '2', '1', '50.0%', '1', '1.5', '0', '0', '34.29'],
      ['4', '万州区', '区县', '1', '0', '0', '0', '0', '—', '0', '—', '0', '0', '32.14'],
    ]);
    expect(rows.at(-1)).toEqual([
      String(rows.length),
      '市发展改革委',
      '市级部门',
      '2',
      '0',
      '0',
      '3',
      '1',
      '33.3%',
      '3',
      '1.0',
      '0',
      '0',
      '15.95',
    ]);
    // Every other unit is tied on zeros at 25 points, ranked together between them.
    expect(rows.length).toBeGreaterThan(40);
    expect(new Set(rows.slice(4, -1).map((row) => row.slice(3).join(' ')))).toEqual(
      new Set(['0 0 0 0 0 — 0 — 0 0 25.00']),
    );
    expect(new Set(rows.slice(4, -1).map((row) => row[0]))).toEqual(new Set(['5']));
    expect(page.text).toContain('按考评得分从高到低排名');
    expect(page.text).toContain('50 × 按时率；没有应报送事项的单位按参与单位按时率的中位数计');
    expect(page.text).toContain('本单位审核员驳回本单位录入人员的不计');

    // Districts only: the department drops out and 万州区 moves up.
    const districts = tableRows((await (await as(office)).agent.get(`${Q2}&kind=district`)).text);
    expect(districts.map((row) => row[1])).not.toContain('市发展改革委');
    expect(districts[3].slice(0, 2)).toEqual(['4', '万州区']);
    const departments = tableRows(
      (await (await as(office)).agent.get(`${Q2}&kind=department`)).text,
    );
    expect(departments[0].slice(0, 2)).toEqual(['1', '市发展改革委']);
    expect(departments.every((row) => row[2] === '市级部门')).toBe(true);

    // The Excel download has the same rows in the same order.
    const download = await (
      await as(office)
    ).agent
      .get('/usage/export?from=2026-04-01&to=2026-06-30&kind=all')
      .buffer(true)
      .parse(binaryParser);
    expect(download.status).toBe(200);
    expect(download.headers['content-disposition']).toContain(
      encodeURIComponent('系统使用情况考评-2026-04-01至2026-06-30.xlsx'),
    );
    const sheet = await readSheet(download.body as Buffer);
    expect(sheet.rows[0]).toEqual([
      '排名',
      '单位',
      '类型',
      '上报次数',
      '被驳回次数',
      '退回完善次数',
      '应报送',
      '按时报送',
      '按时率（%）',
      '当前逾期',
      '平均审核用时（天）',
      '工作动态报送',
      '工作动态采用',
      '考评得分',
    ]);
    expect(sheet.rows.slice(1, 3)).toEqual([
      [1, '大足区', '区县', 7, 1, 1, 2, 1, 50, 0, 4.5, 0, 0, 73],
      [2, '江北区', '区县', 1, 0, 0, 1, 1, 100, 1, null, 0, 0, 52.14],
    ]);
    // Every row, every cell: the sheet read as the page prints it (rates with %, one decimal).
    const printed = (cells: unknown[]) =>
      cells.map((cell, index) => {
        if (cell === null) {
          return '—';
        }
        if (typeof cell === 'number') {
          return index === 8
            ? `${cell.toFixed(1)}%`
            : index === 10
              ? cell.toFixed(1)
              : index === 13
                ? cell.toFixed(2)
                : String(cell);
        }
        return typeof cell === 'string' ? cell : JSON.stringify(cell);
      });
    expect(sheet.rows.slice(1).map(printed)).toEqual(rows);
  });

  it('should judge deadlines only once they have passed, and default to this quarter up to today', async () => {
    // On 06-10 itself T2's deadline can still be met: not yet due for B or D; X's June not yet.
    setNow(cst('06-10 18:00'));
    const early = tableRows(
      (await (await as(office)).agent.get('/usage?from=2026-04-01&to=2026-06-30')).text,
    );
    const byUnit = new Map(early.map((row) => [row[1], row]));
    expect(byUnit.get('江北区')?.slice(6, 9)).toEqual(['0', '0', '—']);
    expect(byUnit.get('铜梁区')?.slice(6, 9)).toEqual(['1', '1', '100.0%']);
    expect(byUnit.get('市发展改革委')?.slice(6, 10)).toEqual(['2', '1', '50.0%', '2']);

    // Default: 2026-07-01 to today; nothing filed in July, but 当前逾期 is as of today.
    setNow(cst('07-10 10:00'));
    const page = await (await as(office)).agent.get('/usage');
    expect(page.text).toContain('value="2026-07-01"');
    expect(page.text).toContain('value="2026-07-10"');
    const current = new Map(tableRows(page.text).map((row) => [row[1], row]));
    expect(current.get('大足区')?.slice(3, 11)).toEqual(['0', '0', '0', '0', '0', '—', '0', '—']);
    expect(current.get('市发展改革委')?.[9]).toBe('3');
    const reversed = await (await as(office)).agent.get('/usage?from=2026-06-30&to=2026-04-01');
    expect(reversed.text).toContain('开始日期晚于结束日期，已互换');
    expect(tableRows(reversed.text)[0].slice(0, 2)).toEqual(['1', '大足区']);
  });
});
