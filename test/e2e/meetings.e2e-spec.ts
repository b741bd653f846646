import { Clock } from '../../src/common/time/clock.js';
import { binaryParser, readSheet } from '../helpers/excel.js';
import { fieldError, login, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, unitIdByCode, type TestUser } from '../helpers/users.factory.js';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n');
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
  Buffer.from('IHDR'),
  Buffer.alloc(17),
]);

describe('深改委会议管理: meetings, topics, 议定事项 (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  const sessions = new Map<string, HttpSession>();
  let office: TestUser;
  let deptClerk: TestUser;
  let deptReviewer: TestUser;
  let yuzhongClerk: TestUser;
  let yuzhongReviewer: TestUser;
  let jiangbeiClerk: TestUser;
  let leader: TestUser;
  let dept: number;
  let yuzhong: number;
  let jiangbei: number;

  const as = async (user: TestUser) => {
    let session = sessions.get(user.mobile);
    if (!session) {
      session = await login(testApp.server, user.mobile, user.password);
      sessions.set(user.mobile, session);
    }
    return session;
  };
  const setToday = (iso: string | undefined) => {
    testApp.app.get(Clock).now = iso ? () => new Date(iso) : () => new Date();
  };
  /** The China calendar day `days` after the real today: approvals are stamped with the database's now(). */
  const day = (days: number) =>
    new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
  const idOf = (location: unknown) => String(location).split('#')[0].split('/').pop()!;
  const upload = async (user: TestUser, name: string, content: Buffer, field = 'documents') => {
    const session = await as(user);
    const response = await session.agent
      .post(`/attachments?field=${field}`)
      .set('HX-Request', 'true')
      .set('X-CSRF-Token', session.csrfToken)
      .attach(`upload_${field}`, content, name);
    expect(response.status).toBe(200);
    return new RegExp(`name="${field}" value="([^"]+)"`).exec(response.text)![1];
  };
  const createMeeting = async (name: string, heldOn: string, status = 'preparing') => {
    const response = await (
      await as(office)
    ).post('/meetings', {
      name,
      kind: 'plenary',
      heldOn,
      place: '市委常委会议室',
      host: '市委书记',
      status,
      attendUnitIds: [String(dept), String(yuzhong)],
      observeUnitIds: [String(jiangbei)],
    });
    expect(response.status).toBe(303);
    return idOf(response.headers.location);
  };
  const setStatus = async (meetingId: string, name: string, heldOn: string, status: string) => {
    const response = await (
      await as(office)
    ).post(`/meetings/${meetingId}`, {
      name,
      kind: 'plenary',
      heldOn,
      status,
      attendUnitIds: [String(dept)],
    });
    expect(response.status).toBe(303);
  };
  const act = async (user: TestUser, id: string, action: string) =>
    (await as(user)).htmx('post', `/records/${id}/transitions`, { action });
  const proposeTopic = async (title: string, documents: string[]) => {
    const response = await (
      await as(deptClerk)
    ).post('/meetings/topics', {
      title,
      reportingUnitId: String(dept),
      topicKind: 'review_document',
      summary: '关于深化教育评价改革的实施意见（送审稿）',
      documents,
      submit: '1',
    });
    expect(response.status).toBe(303);
    return idOf(response.headers.location);
  };
  const taskOf = async (meetingTitle: string, unitId: number) =>
    (
      await testApp.dataSource.query<{ id: string }[]>(
        `SELECT t.id FROM assignment_tasks t JOIN assignments a ON a.id = t.assignment_id
          WHERE a.title = $1 AND t.unit_id = $2`,
        [meetingTitle, unitId],
      )
    )[0].id;
  const feedBack = async (clerk: TestUser, taskId: string, status: string) => {
    const response = await (
      await as(clerk)
    ).post(`/tasks/${taskId}/progress`, { status, workDone: '已制定落实方案', submit: '1' });
    expect(response.status).toBe(303);
    return idOf(response.headers.location);
  };

  beforeAll(async () => {
    testApp = await createTestApp();
    setToday('2026-11-20T10:00:00+08:00');
    office = await createUser(testApp.dataSource, { unitCode: '市委改革办', roles: ['office'] });
    leader = await createUser(testApp.dataSource, { unitCode: '市委改革办', roles: ['leader'] });
    deptClerk = await createUser(testApp.dataSource, { unitCode: '市教委', roles: ['entry'] });
    deptReviewer = await createUser(testApp.dataSource, {
      unitCode: '市教委',
      roles: ['reviewer'],
    });
    yuzhongClerk = await createUser(testApp.dataSource, { unitCode: 'yuzhong', roles: ['entry'] });
    yuzhongReviewer = await createUser(testApp.dataSource, {
      unitCode: 'yuzhong',
      roles: ['reviewer'],
    });
    jiangbeiClerk = await createUser(testApp.dataSource, {
      unitCode: 'jiangbei',
      roles: ['entry'],
    });
    dept = await unitIdByCode(testApp.dataSource, '市教委');
    yuzhong = await unitIdByCode(testApp.dataSource, 'yuzhong');
    jiangbei = await unitIdByCode(testApp.dataSource, 'jiangbei');
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('should show the empty ledger, let only the office enter a meeting, and refuse an empty name in Chinese', async () => {
    const empty = await (await as(office)).agent.get('/meetings');
    expect(empty.status).toBe(200);
    expect(empty.text).toContain('暂无会议');
    expect((await (await as(deptClerk)).agent.get('/meetings/new')).status).toBe(403);
    expect(
      (await (await as(deptClerk)).post('/meetings', { name: 'x', kind: 'plenary' })).status,
    ).toBe(403);

    const refused = await (
      await as(office)
    ).post('/meetings', { name: '', kind: '', heldOn: '2026-13-40', status: 'preparing' });
    expect(refused.status).toBe(422);
    expect(fieldError(refused.text, 'name')).toBe('请填写会议名称');
    expect(fieldError(refused.text, 'kind')).toBe('请选择会议类型');
    expect(fieldError(refused.text, 'heldOn')).toBe('请填写有效的会议日期（年-月-日）');

    const id = await createMeeting('六届市委第三次深改会', '2026-12-10');
    const page = await (await as(deptClerk)).agent.get(`/meetings/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('六届市委第三次深改会');
    expect(page.text).toMatch(/出席单位<\/dt><dd>[^<]*市教委/);
    expect(page.text).toMatch(/列席单位<\/dt><dd>[^<]*江北区/);
    expect(page.text).toContain('筹备中');

    const filtered = await (await as(office)).agent.get('/meetings?status=held');
    expect(filtered.text).toContain('没有符合条件的会议');
    const excel = await (
      await as(office)
    ).agent
      .get('/meetings/export?status=preparing')
      .buffer(true)
      .parse(binaryParser);
    const { rows } = await readSheet(excel.body as Buffer);
    expect(rows[0]).toEqual(expect.arrayContaining(['会议名称', '类型', '会议日期', '状态']));
    expect(rows.some((row) => row.includes('六届市委第三次深改会'))).toBe(true);
  });

  it('should take a topic up the chain, refuse a file that is not PDF/Word, and let the office 采纳 it onto a meeting', async () => {
    const meetingId = (
      await testApp.dataSource.query<{ id: string }[]>(
        `SELECT id FROM meetings WHERE name = '六届市委第三次深改会'`,
      )
    )[0].id;
    const picture = await upload(deptClerk, '照片.png', PNG);
    const refused = await (
      await as(deptClerk)
    ).post('/meetings/topics', {
      title: '',
      reportingUnitId: String(dept),
      topicKind: 'review_document',
      documents: [picture],
      submit: '1',
    });
    expect(refused.status).toBe(422);
    expect(fieldError(refused.text, 'title')).toBe('请填写议题名称');
    expect(refused.text).toContain('拟审议文件仅支持 PDF 或 Word 文件：照片.png');

    const noFile = await (
      await as(deptClerk)
    ).post('/meetings/topics', {
      title: '关于深化新时代教育评价改革的实施意见',
      reportingUnitId: String(dept),
      topicKind: 'review_document',
      submit: '1',
    });
    expect(noFile.status).toBe(422);
    expect(noFile.text).toContain('审议文件类议题请上传拟审议文件');

    const topicId = await proposeTopic('关于深化新时代教育评价改革的实施意见', [
      await upload(deptClerk, '实施意见.pdf', PDF),
    ]);
    // The office cannot 采纳 before the unit's reviewer passes it.
    const early = await (await as(office)).post(`/meetings/topics/${topicId}/adopt`, { meetingId });
    expect(early.status).toBe(422);
    expect((await act(deptReviewer, topicId, 'pass')).status).toBe(200);
    // The panel's plain confirm is refused: 采纳 needs a meeting.
    const bare = await act(office, topicId, 'confirm');
    expect(bare.status).not.toBe(200);
    const page = await (await as(office)).agent.get(`/meetings/topics/${topicId}`);
    expect(page.text).toContain('id="adopt-form"');
    const noMeeting = await (
      await as(office)
    ).post(`/meetings/topics/${topicId}/adopt`, {
      meetingId: '',
    });
    expect(noMeeting.status).toBe(422);
    expect(fieldError(noMeeting.text, 'meetingId')).toBe('请选择筹备中的会议');
    // Only the office adopts.
    expect(
      (await (await as(deptReviewer)).post(`/meetings/topics/${topicId}/adopt`, { meetingId }))
        .status,
    ).toBe(403);
    const adopted = await (
      await as(office)
    ).post(`/meetings/topics/${topicId}/adopt`, {
      meetingId,
    });
    expect(adopted.status).toBe(303);

    // The office adds a topic of its own: second on the agenda.
    const own = await (
      await as(office)
    ).post('/meetings/topics', {
      meetingId,
      title: '听取全市营商环境改革情况汇报',
      reportingUnitId: String(yuzhong),
      topicKind: 'hear_report',
      submit: '1',
    });
    expect(own.status).toBe(303);

    const meeting = await (await as(deptClerk)).agent.get(`/meetings/${meetingId}`);
    expect(meeting.text).toMatch(
      /<td class="num">1<\/td><td><a [^>]*>关于深化新时代教育评价改革的实施意见<\/a>[\s\S]*<td class="num">2<\/td><td><a [^>]*>听取全市营商环境改革情况汇报/,
    );

    // 退回完善 and 驳回 stay with the office's step.
    const second = await proposeTopic('关于推进基础教育集团化办学的意见', [
      await upload(deptClerk, '意见.pdf', PDF),
    ]);
    expect((await act(deptReviewer, second, 'pass')).status).toBe(200);
    const reason = (
      await testApp.dataSource.query<{ id: number }[]>(
        `SELECT id FROM dictionary_items WHERE kind = 'reject_reason' ORDER BY id LIMIT 1`,
      )
    )[0].id;
    expect(
      (
        await (
          await as(office)
        ).htmx('post', `/records/${second}/transitions`, {
          action: 'return',
          reasonId: String(reason),
          detail: '请补充调研报告',
        })
      ).status,
    ).toBe(200);

    const ledger = await (await as(office)).agent.get(`/meetings/topics?meeting=${meetingId}`);
    expect(ledger.text).toContain('关于深化新时代教育评价改革的实施意见');
    expect(ledger.text).not.toContain('关于推进基础教育集团化办学的意见');
    // Another district lists neither the department's adopted topic nor its returned one.
    const other = await (await as(jiangbeiClerk)).agent.get('/meetings/topics');
    expect(other.text).not.toContain('关于深化新时代教育评价改革的实施意见');
    const excel = await (
      await as(office)
    ).agent
      .get(`/meetings/topics/export?meeting=${meetingId}`)
      .buffer(true)
      .parse(binaryParser);
    const { rows } = await readSheet(excel.body as Buffer);
    expect(rows[0]).toEqual(expect.arrayContaining(['议题', '汇报单位', '审议结果']));
    expect(rows).toHaveLength(3);
  });

  it('should record results, minutes and 议定事项 after the meeting, with the deadline rule, feedback, 销号 and 已逾期', async () => {
    const meetingId = (
      await testApp.dataSource.query<{ id: string }[]>(
        `SELECT id FROM meetings WHERE name = '六届市委第三次深改会'`,
      )
    )[0].id;
    const topicId = (
      await testApp.dataSource.query<{ id: string }[]>(
        `SELECT id FROM meeting_topics WHERE title = '关于深化新时代教育评价改革的实施意见'`,
      )
    )[0].id;
    // Before the meeting is held there is no result.
    const early = await (
      await as(office)
    ).post(`/meetings/topics/${topicId}/result`, { result: 'passed' });
    expect(early.status).toBe(422);
    expect(fieldError(early.text, 'result')).toBe('议题上会且会议召开后方可录入审议结果');

    setToday(undefined);
    await setStatus(meetingId, '六届市委第三次深改会', day(0), 'held');
    expect(
      (
        await (
          await as(office)
        ).post(`/meetings/topics/${topicId}/result`, { result: 'passed_in_principle' })
      ).status,
    ).toBe(303);
    // 会议纪要: a file that is not PDF/Word, or nothing, is refused next to the file field.
    const photo = await upload(office, '纪要.png', PNG, 'minutesFile');
    const wrongFile = await (
      await as(office)
    ).post(`/meetings/${meetingId}/minutes`, { minutesFile: photo });
    expect(wrongFile.status).toBe(422);
    expect(wrongFile.text).toContain('会议纪要仅支持 PDF 或 Word 文件：纪要.png');
    const nothing = await (await as(office)).post(`/meetings/${meetingId}/minutes`, {});
    expect(nothing.status).toBe(422);
    expect(nothing.text).toContain('请上传会议纪要（PDF 或 Word）');
    const minutesFile = await upload(office, '会议纪要.pdf', PDF, 'minutesFile');
    expect(
      (await (await as(office)).post(`/meetings/${meetingId}/minutes`, { minutesFile })).status,
    ).toBe(303);
    expect((await (await as(office)).agent.get(`/meetings/${meetingId}`)).text).toContain(
      `href="/attachments/${minutesFile}">会议纪要.pdf</a>`,
    );
    // 涉密: a note instead, and no file kept.
    expect(
      (
        await (
          await as(office)
        ).post(`/meetings/${meetingId}/minutes`, {
          minutesClassified: 'on',
          minutesFile,
          minutesNote: '纪要已通过内网报送',
        })
      ).status,
    ).toBe(303);

    const past = await (
      await as(office)
    ).post(`/meetings/${meetingId}/decisions`, {
      title: '',
      leadUnitId: String(yuzhong),
      deadline: day(-1),
    });
    expect(past.status).toBe(422);
    expect(fieldError(past.text, 'title')).toBe('请填写议定事项');
    expect(fieldError(past.text, 'deadline')).toBe('完成时限不能早于今天');
    expect(
      (
        await (
          await as(deptClerk)
        ).post(`/meetings/${meetingId}/decisions`, { title: 'x', deadline: '2026-12-31' })
      ).status,
    ).toBe(403);

    const created = await (
      await as(office)
    ).post(`/meetings/${meetingId}/decisions`, {
      title: '制定教育评价改革任务分工方案',
      topicId,
      requirement: '明确责任分工和时间节点',
      leadUnitId: String(yuzhong),
      assistUnitIds: [String(jiangbei)],
      deadline: day(20),
    });
    expect(created.status).toBe(303);
    const yuzhongTask = await taskOf('制定教育评价改革任务分工方案', yuzhong);
    const jiangbeiTask = await taskOf('制定教育评价改革任务分工方案', jiangbei);
    // The task is in each unit's 待办.
    const inbox = await (await as(jiangbeiClerk)).agent.get('/inbox');
    expect(inbox.text).toContain('议定事项：制定教育评价改革任务分工方案');

    // Both feed back; 渝中区's is approved, 江北区's waits at its reviewer.
    const yuzhongFeedback = await feedBack(yuzhongClerk, yuzhongTask, 'completed');
    expect((await act(yuzhongReviewer, yuzhongFeedback, 'pass')).status).toBe(200);
    expect((await act(office, yuzhongFeedback, 'confirm')).status).toBe(200);
    const jiangbeiFeedback = await feedBack(jiangbeiClerk, jiangbeiTask, 'in_progress');
    expect(jiangbeiFeedback).toBeTruthy();

    let ledger = await (await as(office)).agent.get(`/meetings/decisions?meeting=${meetingId}`);
    expect(ledger.text).toMatch(new RegExp(`id="task-${yuzhongTask}"[\\s\\S]*?已完成待销号`));
    expect(ledger.text).toMatch(new RegExp(`id="task-${jiangbeiTask}"[\\s\\S]*?待首次反馈`));
    // Only the office 销号.
    expect(
      (await (await as(yuzhongClerk)).post(`/meetings/decisions/tasks/${yuzhongTask}/close`))
        .status,
    ).toBe(403);
    expect(
      (await (await as(office)).post(`/meetings/decisions/tasks/${yuzhongTask}/close`)).status,
    ).toBe(303);

    setToday(`${day(21)}T09:00:00+08:00`);
    ledger = await (await as(office)).agent.get(`/meetings/decisions?meeting=${meetingId}`);
    expect(ledger.text).toMatch(new RegExp(`id="task-${yuzhongTask}"[\\s\\S]*?已销号`));
    expect(ledger.text).toMatch(new RegExp(`id="task-${jiangbeiTask}"[\\s\\S]*?已逾期`));
    const overdue = await (await as(office)).agent.get('/meetings/decisions?state=overdue');
    expect(overdue.text).toContain(`id="task-${jiangbeiTask}"`);
    expect(overdue.text).not.toContain(`id="task-${yuzhongTask}"`);
    // The reporting cycle knows 议定事项 too: the 填报进度 board lists them with the other tasks.
    const board = await (
      await as(office)
    ).agent.get(`/reporting-progress?period=${day(20).slice(0, 7)}&module=meeting_decision`);
    expect(board.status).toBe(200);
    expect(board.text).toContain('深改委议定事项');
    expect(board.text).toContain('江北区');
    // A unit lists only its own tasks.
    const own = await (await as(yuzhongClerk)).agent.get('/meetings/decisions');
    expect(own.text).toContain(`id="task-${yuzhongTask}"`);
    expect(own.text).not.toContain(`id="task-${jiangbeiTask}"`);

    const page = await (await as(leader)).agent.get(`/meetings/${meetingId}`);
    expect(page.text).toContain('原则通过');
    expect(page.text).toContain('纪要涉密');
    expect(page.text).toMatch(/已销号[\s\S]*已逾期|已逾期[\s\S]*已销号/);

    const excel = await (
      await as(office)
    ).agent
      .get(`/meetings/decisions/export?meeting=${meetingId}`)
      .buffer(true)
      .parse(binaryParser);
    const { rows } = await readSheet(excel.body as Buffer);
    expect(rows[0]).toEqual(expect.arrayContaining(['议定事项', '承办单位', '完成时限', '状态']));
    expect(rows.slice(1).map((row) => row[5])).toEqual(
      expect.arrayContaining(['已销号', '已逾期']),
    );
  });
  it('should count 议定事项落实 per unit on the district cockpit from approved feedback only', async () => {
    // The clock stands the day after the first decision's deadline (the test above): 渝中区's task
    // was fed back (approved) on time and 销号, 江北区's feedback is still at its reviewer: overdue.
    const meetingId = await createMeeting('六届市委第四次深改会', day(21), 'held');
    const created = await (
      await as(office)
    ).post(`/meetings/${meetingId}/decisions`, {
      title: '推进义务教育优质均衡发展',
      leadUnitId: String(yuzhong),
      assistUnitIds: [String(dept)],
      deadline: day(400),
    });
    expect(created.status).toBe(303);
    const yuzhongTask = await taskOf('推进义务教育优质均衡发展', yuzhong);
    const deptTask = await taskOf('推进义务教育优质均衡发展', dept);
    const approved = await feedBack(yuzhongClerk, yuzhongTask, 'in_progress');
    expect((await act(yuzhongReviewer, approved, 'pass')).status).toBe(200);
    expect((await act(office, approved, 'confirm')).status).toBe(200);
    // 市教委's feedback waits for its reviewer: not counted as fed back.
    await feedBack(deptClerk, deptTask, 'in_progress');

    const cockpit = await (await as(leader)).agent.get('/cockpit');
    expect(cockpit.status).toBe(200);
    const panel =
      /<section class="cockpit-panel" id="decision-implementation">([\s\S]*?)<\/section>/.exec(
        cockpit.text,
      )![1];
    const rows = [
      ...panel.matchAll(/<tr[^>]*><td>([^<]+)<\/td>((?:<td class="num">\d+<\/td>){4})<\/tr>/g),
    ].map((match) => [match[1], ...[...match[2].matchAll(/\d+/g)].map((cell) => Number(cell[0]))]);
    // 渝中区: two tasks, both fed back on time, one 销号. 江北区: one, overdue. 市教委: one, pending.
    expect(rows).toEqual(
      expect.arrayContaining([
        ['渝中区', 2, 2, 0, 1],
        ['江北区', 1, 0, 1, 0],
        ['市教委', 1, 0, 0, 0],
      ]),
    );
    expect(rows).toHaveLength(3);
    expect(panel).toMatch(/<dt>交办<\/dt><dd>4<\/dd>/);
    expect(panel).toMatch(/<dt>按时反馈<\/dt><dd>2<\/dd>/);
    expect(panel).toMatch(/<dt>逾期<\/dt><dd class="bad">1<\/dd>/);
    expect(panel).toMatch(/<dt>已销号<\/dt><dd>1<\/dd>/);
  });
});
