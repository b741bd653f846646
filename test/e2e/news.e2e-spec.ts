import JSZip from 'jszip';
import { detectFileKind } from '../../src/attachments/file-type.js';
import { Clock } from '../../src/common/time/clock.js';
import { binaryParser, readSheet } from '../helpers/excel.js';
import { fieldError, login, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, unitIdByCode, type TestUser } from '../helpers/users.factory.js';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n');
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
  Buffer.from('IHDR'),
  Buffer.alloc(17, 1),
]);
const JPG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(60, 7)]);

const uploadError = (html: string, field: string) =>
  new RegExp(`id="news-form-${field}-upload-error" role="alert">([^<]*)</p>`).exec(html)?.[1];

describe('工作动态 (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  const sessions = new Map<string, HttpSession>();
  let clerk: TestUser;
  let reviewer: TestUser;
  let otherClerk: TestUser;
  let otherReviewer: TestUser;
  let office: TestUser;
  let leader: TestUser;
  let tongnan: number;
  let wulong: number;
  let domainId: number;

  const as = async (user: TestUser) => {
    let session = sessions.get(user.mobile);
    if (!session) {
      session = await login(testApp.server, user.mobile, user.password);
      sessions.set(user.mobile, session);
    }
    return session;
  };
  const upload = async (user: TestUser, field: string, name: string, content: Buffer) => {
    const session = await as(user);
    const response = await session.agent
      .post(`/attachments?field=${field}`)
      .set('HX-Request', 'true')
      .set('X-CSRF-Token', session.csrfToken)
      .attach(`upload_${field}`, content, name);
    expect(response.status).toBe(200);
    return /value="([0-9a-f-]{36})"/.exec(response.text)![1];
  };
  const file = async (
    user: TestUser,
    form: Partial<Record<string, string | string[]>> = {},
  ): Promise<string> => {
    const response = await (
      await as(user)
    ).post('/news', {
      title: '区里推进“一件事一次办”改革',
      body: '第一段。\n\n第二段。',
      occurredOn: '2026-11-10',
      domainId: String(domainId),
      submit: '1',
      ...(form as Record<string, string | string[]>),
    });
    expect(response.status).toBe(303);
    return String(response.headers.location).split('/').pop()!;
  };
  const approve = async (id: string, unitReviewer = reviewer) => {
    expect(
      (
        await (
          await as(unitReviewer)
        ).htmx('post', `/records/${id}/transitions`, { action: 'pass' })
      ).status,
    ).toBe(200);
    expect(
      (await (await as(office)).htmx('post', `/records/${id}/transitions`, { action: 'confirm' }))
        .status,
    ).toBe(200);
  };
  const use = (id: string, form: Record<string, string>) =>
    as(office).then((session) => session.post(`/news/${id}/uses`, form));

  beforeAll(async () => {
    testApp = await createTestApp();
    testApp.app.get(Clock).now = () => new Date('2026-11-20T10:00:00+08:00');
    clerk = await createUser(testApp.dataSource, { unitCode: 'tongnan', roles: ['entry'] });
    reviewer = await createUser(testApp.dataSource, { unitCode: 'tongnan', roles: ['reviewer'] });
    otherClerk = await createUser(testApp.dataSource, { unitCode: 'wulong', roles: ['entry'] });
    otherReviewer = await createUser(testApp.dataSource, {
      unitCode: 'wulong',
      roles: ['reviewer'],
    });
    office = await createUser(testApp.dataSource, { unitCode: '市委改革办', roles: ['office'] });
    leader = await createUser(testApp.dataSource, { unitCode: '市委改革办', roles: ['leader'] });
    tongnan = await unitIdByCode(testApp.dataSource, 'tongnan');
    wulong = await unitIdByCode(testApp.dataSource, 'wulong');
    domainId = (
      await testApp.dataSource.query<{ id: number }[]>(
        `SELECT id FROM dictionary_items WHERE kind = 'domain' AND active ORDER BY sort_order LIMIT 1`,
      )
    )[0].id;
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('should show the empty ledger and the form with its counter', async () => {
    const ledger = await (await as(clerk)).agent.get('/news');
    expect(ledger.status).toBe(200);
    expect(ledger.text).toContain('没有符合条件的工作动态');
    const form = await (await as(clerk)).agent.get('/news/new');
    expect(form.status).toBe(200);
    expect(form.text).toContain('data-count-for="body"');
    expect(form.text).toContain('/ 5000 字');
    expect(form.text).toContain('accept=".jpg,.jpeg,.png"');
  });

  it('should refuse bad input with Chinese messages next to the fields, keeping what was typed', async () => {
    const pdf = await upload(clerk, 'images', '不是图片.pdf', PDF);
    const refused = await (
      await as(clerk)
    ).post('/news', {
      title: '',
      body: '正文保留',
      occurredOn: '2026-12-01',
      domainId: String(domainId),
      images: [pdf],
      submit: '1',
    });
    expect(refused.status).toBe(422);
    expect(fieldError(refused.text, 'title')).toBe('请填写标题');
    expect(fieldError(refused.text, 'occurredOn')).toBe('请填写有效的发生日期（不晚于今天）');
    expect(uploadError(refused.text, 'images')).toBe(
      '「不是图片.pdf」不是 JPG 或 PNG 图片，请删除后重新上传',
    );
    expect(refused.text).toContain('正文保留');
    expect(refused.text).toContain('value="2026-12-01"');
    expect(refused.text).toContain('不是图片.pdf');

    // A file whose content is no image is refused at upload, next to the field.
    const fake = await (
      await as(clerk)
    ).agent
      .post('/attachments?field=images')
      .set('HX-Request', 'true')
      .set('X-CSRF-Token', (await as(clerk)).csrfToken)
      .attach('upload_images', Buffer.from('just text'), '照片.jpg');
    expect(fake.status).toBe(422);
    expect(fake.headers['hx-retarget']).toBe('#images-upload-error');
    expect(fake.text).toContain('类型不受支持或与扩展名不符');

    // A 10th image.
    const images: string[] = [];
    for (let index = 0; index < 10; index += 1) {
      images.push(await upload(clerk, 'images', `图${index + 1}.png`, PNG));
    }
    const tooMany = await (
      await as(clerk)
    ).post('/news', {
      title: '十张图',
      body: '正文',
      occurredOn: '2026-11-10',
      domainId: String(domainId),
      images,
    });
    expect(tooMany.status).toBe(422);
    expect(uploadError(tooMany.text, 'images')).toBe('最多上传 9 张图片，请删除多余的图片');
    expect(tooMany.text).toContain('value="十张图"');

    // A body over 5,000 characters.
    const long = await (
      await as(clerk)
    ).post('/news', {
      title: '太长',
      body: '字'.repeat(5001),
      occurredOn: '2026-11-10',
      domainId: String(domainId),
    });
    expect(long.status).toBe(422);
    expect(fieldError(long.text, 'body')).toBe('正文不能超过 5000 字');
    expect(
      (
        await testApp.dataSource.query<{ count: number }[]>(
          `SELECT count(*)::int AS count FROM news_items`,
        )
      )[0].count,
    ).toBe(0);
  });

  it('should climb clerk → reviewer → office with nine images, list by state, filter and export', async () => {
    const images: string[] = [];
    for (let index = 0; index < 9; index += 1) {
      images.push(
        await upload(
          clerk,
          'images',
          `图${index + 1}.${index % 2 ? 'jpg' : 'png'}`,
          index % 2 ? JPG : PNG,
        ),
      );
    }
    const id = await file(clerk, { images, title: '潼南九图动态' });
    const draft = await file(clerk, { title: '潼南草稿', submit: '0' });
    const page = await (await as(clerk)).agent.get(`/news/${id}`);
    expect(page.status).toBe(200);
    expect(page.text.match(/<img src="\/attachments\//g)).toHaveLength(9);
    expect(page.text).toContain('<p>第一段。</p><p>第二段。</p>');

    // Another district sees neither the pending item nor the draft.
    expect((await (await as(otherClerk)).agent.get(`/news/${id}`)).status).toBe(404);
    // The office's ledger lists the item once the unit's reviewer passed it, and not the draft.
    await (await as(reviewer)).htmx('post', `/records/${id}/transitions`, { action: 'pass' });
    const queue = await (await as(office)).agent.get('/news');
    expect(queue.text).toContain('潼南九图动态');
    expect(queue.text).not.toContain('潼南草稿');
    // Nobody but the office records a use, and not before approval.
    expect((await use(id, { kind: 'published', usedOn: '2026-11-20' })).status).toBe(422);
    await (await as(office)).htmx('post', `/records/${id}/transitions`, { action: 'confirm' });
    expect(
      (
        await (
          await as(clerk)
        ).post(`/news/${id}/uses`, { kind: 'published', usedOn: '2026-11-20' })
      ).status,
    ).toBe(403);

    const own = await (await as(clerk)).agent.get('/news?state=draft');
    expect(own.text).toContain('潼南草稿');
    expect(own.text).not.toContain('潼南九图动态');
    const other = await (await as(otherClerk)).agent.get('/news');
    expect(other.text).not.toContain('潼南九图动态');
    const filtered = await (await as(office)).agent.get(`/news?unit=${wulong}`);
    expect(filtered.text).toContain('没有符合条件的工作动态');

    const sheet = await (
      await as(office)
    ).agent
      .get(`/news/export?unit=${tongnan}`)
      .buffer(true)
      .parse(binaryParser);
    expect(sheet.status).toBe(200);
    const { rows } = await readSheet(sheet.body as Buffer);
    expect(rows[0]).toEqual(
      expect.arrayContaining(['标题', '报送单位', '发生日期', '领域', '状态', '采用情况']),
    );
    expect(rows.slice(1).map((row) => row[0])).toEqual(['潼南九图动态']);
    expect(draft).toBeDefined();
  });

  it('should record uses with their rules, each audited; the 通报 counts them by period with hand-worked numbers', async () => {
    // 潼南: 3 filed in November (one of them above), 2 adopted; 武隆: 2 filed, 1 adopted.
    const [first] = (
      await testApp.dataSource.query<{ id: string }[]>(
        `SELECT id FROM news_items WHERE title = '潼南九图动态'`,
      )
    ).map((row) => row.id);
    const second = await file(clerk, { title: '潼南第二条' });
    await approve(second);
    const third = await file(clerk, { title: '潼南第三条' });
    const w1 = await file(otherClerk, { title: '武隆第一条' });
    await approve(w1, otherReviewer);
    const w2 = await file(otherClerk, { title: '武隆第二条' });
    expect(third && w2).toBeTruthy();

    // Missing issue number, missing instruction fields, a date in the future.
    const noIssue = await use(first, { kind: 'bulletin', usedOn: '2026-11-21' });
    expect(noIssue.status).toBe(422);
    expect(fieldError(noIssue.text, 'issueLabel')).toBe('请填写简报期号，如 2026年第3期');
    expect(fieldError(noIssue.text, 'usedOn')).toBe('请填写有效的日期（不晚于今天）');
    const noInstruction = await use(first, { kind: 'instruction', usedOn: '2026-11-20' });
    expect(fieldError(noInstruction.text, 'instructedBy')).toBe('请填写批示领导');
    expect(fieldError(noInstruction.text, 'note')).toBe('请填写批示内容');

    expect((await use(first, { kind: 'published', usedOn: '2026-11-18' })).status).toBe(303);
    const twice = await use(first, { kind: 'published', usedOn: '2026-11-19' });
    expect(twice.status).toBe(422);
    expect(fieldError(twice.text, 'kind')).toBe('该工作动态已在系统发布');
    expect(
      (await use(first, { kind: 'bulletin', usedOn: '2026-11-19', issueLabel: '2026年第9期' }))
        .status,
    ).toBe(303);
    expect(
      (
        await use(first, {
          kind: 'instruction',
          usedOn: '2026-11-20',
          instructedBy: '张书记',
          note: '经验做法很好，请改革办总结推广。',
        })
      ).status,
    ).toBe(303);
    expect((await use(second, { kind: 'superior', usedOn: '2026-11-20' })).status).toBe(303);
    // A use dated in October counts in October, not November.
    expect((await use(w1, { kind: 'superior', usedOn: '2026-10-30' })).status).toBe(303);
    const audited = await testApp.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM audit_log WHERE action = 'news_use_recorded'`,
    );
    expect(audited[0].count).toBe(5);
    const record = await (await as(clerk)).agent.get(`/news/${first}`);
    expect(record.text).toContain('2026年第9期');
    expect(record.text).toContain('张书记：经验做法很好');

    // The workflow stamps submissions with the database's clock: put them in November 2026.
    await testApp.dataSource.query(
      `UPDATE workflow_items SET submitted_at = '2026-11-15T10:00:00+08:00' WHERE record_type = 'news_item' AND submitted_at IS NOT NULL`,
    );
    // November: 潼南 报送 3, 发布 1, 简报 1, 上级 1, 采用 2, 采用率 2/3 = 66.7%, 批示 1;
    // 武隆 报送 2, 采用 0 (its use is in October), 0.0%.
    const stats = await (
      await as(office)
    ).agent.get('/news/stats?period=month&year=2026&number=11');
    expect(stats.status).toBe(200);
    const row = (unit: number) =>
      new RegExp(`<tr id="news-stats-unit-${unit}">(.*?)</tr>`)
        .exec(stats.text)![1]
        .match(/<td[^>]*>([^<]*)<\/td>/g)!
        .map((cell) => cell.replace(/<[^>]+>/g, ''));
    expect(row(tongnan)).toEqual(['潼南区', '3', '1', '1', '1', '2', '66.7%', '1']);
    expect(row(wulong).slice(1)).toEqual(['2', '0', '0', '0', '0', '0.0%', '0']);
    // The fourth quarter sees both uses: 武隆 1 of 2 = 50.0%.
    const quarter = await (
      await as(office)
    ).agent.get('/news/stats?period=quarter&year=2026&number=4');
    expect(new RegExp(`news-stats-unit-${wulong}">.*?50.0%`).test(quarter.text)).toBe(true);
    // October alone: nothing filed by 武隆, one adopted: 采用率 —.
    const october = await (
      await as(office)
    ).agent.get('/news/stats?period=month&year=2026&number=10');
    expect(
      new RegExp(
        `news-stats-unit-${wulong}"><td>[^<]*</td><td class="num">0</td>.*?<td class="num">—</td>`,
      ).test(october.text),
    ).toBe(true);

    const sheet = await (
      await as(office)
    ).agent
      .get('/news/stats/export?period=month&year=2026&number=11')
      .buffer(true)
      .parse(binaryParser);
    const { rows } = await readSheet(sheet.body as Buffer);
    expect(rows[0]).toEqual([
      '单位',
      '报送数',
      '系统发布',
      '简报采用',
      '报送上级采用',
      '采用数',
      '采用率（%）',
      '批示数',
    ]);
    expect(rows[1].slice(1)).toEqual([3, 1, 1, 1, 2, 66.7, 1]);
    // 系统使用情况考评 shows the same counts beside its ranking.
    const usage = await (
      await as(office)
    ).agent.get('/usage?from=2026-11-01&to=2026-12-31&kind=district');
    expect(usage.status).toBe(200);
    expect(usage.text).toContain(
      '<th class="num">工作动态报送</th><th class="num">工作动态采用</th>',
    );
    expect(usage.text).toMatch(
      new RegExp(
        `<tr id="usage-unit-${tongnan}">.*<td class="num news-submitted">3</td><td class="num news-adopted">2</td>`,
      ),
    );
    expect(usage.text).toMatch(
      new RegExp(
        `<tr id="usage-unit-${wulong}">.*<td class="num news-submitted">2</td><td class="num news-adopted">0</td>`,
      ),
    );
    // Clerks do not read the 通报; leaders do.
    expect((await (await as(clerk)).agent.get('/news/stats')).status).toBe(403);
    expect((await (await as(leader)).agent.get('/news/stats')).status).toBe(200);
  });

  it('should send a 约稿 to chosen units: in their 待办, answered by a linked item, flagged overdue', async () => {
    const past = await (
      await as(office)
    ).post('/news/requests', { topic: '基层治理改革经验', deadline: '2026-11-19' });
    expect(past.status).toBe(422);
    expect(fieldError(past.text, 'deadline')).toBe('报送时限不能早于今天');
    expect(fieldError(past.text, 'unitIds')).toBe('请选择约稿单位');
    expect(past.text).toContain('value="基层治理改革经验"');
    expect(
      (await (await as(clerk)).post('/news/requests', { topic: 'x', deadline: '2026-11-25' }))
        .status,
    ).toBe(403);

    const created = await (
      await as(office)
    ).post('/news/requests', {
      topic: '基层治理改革经验',
      details: '请报送一篇 1,500 字以内的稿件',
      deadline: '2026-11-25',
      unitIds: [String(tongnan), String(wulong)],
    });
    expect(created.status).toBe(303);
    const requestId = String(created.headers.location).split('/').pop()!;
    const inbox = await (await as(clerk)).agent.get('/inbox');
    expect(inbox.text).toContain('待报送的约稿');
    expect(inbox.text).toContain('基层治理改革经验');
    // Another unit neither reads it nor answers it.
    const outsider = await createUser(testApp.dataSource, { unitCode: '市教委', roles: ['entry'] });
    expect((await (await as(outsider)).agent.get(`/news/requests/${requestId}`)).status).toBe(404);
    const foreign = await (
      await as(outsider)
    ).post('/news', {
      title: '教委动态',
      body: '正文',
      occurredOn: '2026-11-10',
      domainId: String(domainId),
      requestId,
    });
    expect(foreign.status).toBe(422);
    expect(fieldError(foreign.text, 'requestId')).toBe('请选择发给本单位的约稿');

    const form = await (await as(clerk)).agent.get(`/news/new?request=${requestId}`);
    expect(form.text).toContain(`<option value="${requestId}" selected>基层治理改革经验`);
    const answer = await file(clerk, { title: '潼南基层治理', requestId });
    const page = await (await as(office)).agent.get(`/news/requests/${requestId}`);
    expect(page.text).toMatch(
      new RegExp(`news-request-unit-${tongnan}">.*href="/news/${answer}">潼南基层治理</a>.*已报送`),
    );
    expect((await (await as(clerk)).agent.get('/inbox')).text).not.toContain('基层治理改革经验');
    const record = await (await as(clerk)).agent.get(`/news/${answer}`);
    expect(record.text).toContain(`href="/news/requests/${requestId}">基层治理改革经验</a>`);

    // After the deadline 武隆 is overdue, in its 待办 and on the request.
    testApp.app.get(Clock).now = () => new Date('2026-11-26T09:00:00+08:00');
    const late = await (await as(otherClerk)).agent.get('/inbox');
    expect(late.text).toContain('基层治理改革经验');
    expect(late.text).toContain('已逾期');
    const overdue = await (await as(office)).agent.get(`/news/requests/${requestId}`);
    expect(overdue.text).toMatch(new RegExp(`news-request-unit-${wulong}">.*已逾期`));
    expect(overdue.text).not.toMatch(new RegExp(`news-request-unit-${tongnan}">.*已逾期`));
    testApp.app.get(Clock).now = () => new Date('2026-11-20T10:00:00+08:00');
  });

  it('should compose a 《改革简报》 issue from approved items, preview it, publish it to everyone and download it as .docx', async () => {
    const a = await file(clerk, { title: '潼南简报稿一', body: '第一段甲。\n第二段甲。' });
    await approve(a);
    const b = await file(otherClerk, { title: '武隆简报稿二', body: '武隆正文。' });
    await approve(b, otherReviewer);
    const pending = await file(clerk, { title: '潼南未审稿' });
    const compose = await (await as(office)).agent.get('/news/bulletins/new');
    expect(compose.status).toBe(200);
    expect(compose.text).toContain('潼南简报稿一');
    expect(compose.text).not.toContain('潼南未审稿');
    expect((await (await as(clerk)).agent.get('/news/bulletins/new')).status).toBe(403);

    const base = {
      issueNo: '1',
      issuedOn: '2026-11-20',
      editorNote: '现将两地经验刊发，供学习借鉴。',
      submittedTo: '市委主要领导',
      copiedTo: '各区县委改革办',
      candidate: [a, b, pending],
      order: ['2', '1', ''],
      itemTitle: ['潼南：一件事一次办（简报标题）', '武隆简报稿二', '潼南未审稿'],
    };
    const none = await (await as(office)).post('/news/bulletins', base);
    expect(none.status).toBe(422);
    expect(fieldError(none.text, 'items')).toBe('请至少选择一条已采用的工作动态');
    expect(none.text).toContain('value="潼南：一件事一次办（简报标题）"');
    const unapproved = await (
      await as(office)
    ).post('/news/bulletins', { ...base, items: [a, pending] });
    expect(fieldError(unapproved.text, 'items')).toBe('只能选择审核通过的工作动态');

    const created = await (await as(office)).post('/news/bulletins', { ...base, items: [a, b] });
    expect(created.status).toBe(303);
    const id = String(created.headers.location).split('/').pop()!;
    const taken = await (await as(office)).post('/news/bulletins', { ...base, items: [a] });
    expect(fieldError(taken.text, 'issueNo')).toBe('2026年第1期已存在，请换一个期号');

    // A draft issue is the office's alone.
    expect((await (await as(clerk)).agent.get(`/news/bulletins/${id}`)).status).toBe(404);
    expect((await (await as(clerk)).agent.get('/news/bulletins')).text).toContain(
      '暂无印发的改革简报',
    );
    const preview = await (await as(office)).agent.get(`/news/bulletins/${id}`);
    expect(preview.text).toContain('<div class="bulletin-masthead">改革简报</div>');
    expect(preview.text).toContain('<div class="bulletin-issue">2026年第1期</div>');
    expect(preview.text).toContain('2026年11月20日');
    expect(preview.text).toContain('现将两地经验刊发');
    expect(preview.text).toContain('报送：市委主要领导');
    expect(preview.text).toContain('抄送：各区县委改革办');
    // In the chosen order, the title edited in the issue only.
    expect(preview.text.indexOf('武隆简报稿二')).toBeLessThan(
      preview.text.indexOf('潼南：一件事一次办（简报标题）'),
    );
    expect(preview.text).toContain('<p>第一段甲。</p><p>第二段甲。</p>');
    expect((await (await as(clerk)).agent.get(`/news/${a}`)).text).toContain(
      '<h1 id="news-title">潼南简报稿一</h1>',
    );

    expect((await (await as(clerk)).post(`/news/bulletins/${id}/publish`)).status).toBe(403);
    expect((await (await as(office)).post(`/news/bulletins/${id}/publish`)).status).toBe(303);
    expect((await (await as(office)).post(`/news/bulletins/${id}/publish`)).status).toBe(303);
    const uses = await testApp.dataSource.query<{ news_item_id: string; issue_label: string }[]>(
      `SELECT news_item_id, issue_label FROM news_uses WHERE bulletin_id = $1 ORDER BY issue_label`,
      [id],
    );
    expect(uses).toHaveLength(2);
    expect(new Set(uses.map((row) => row.issue_label))).toEqual(new Set(['2026年第1期']));
    // Published: every user reads it; a published issue is no longer edited.
    const read = await (await as(otherClerk)).agent.get(`/news/bulletins/${id}`);
    expect(read.status).toBe(200);
    expect(read.text).not.toContain('bulletin-publish');
    const edit = await (await as(office)).post(`/news/bulletins/${id}`, { ...base, items: [a] });
    expect(edit.status).toBe(422);
    expect(fieldError(edit.text, 'issueNo')).toBe('已印发的简报不能修改');

    const download = await (
      await as(otherClerk)
    ).agent
      .get(`/news/bulletins/${id}/docx`)
      .buffer(true)
      .parse(binaryParser);
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    expect(download.headers['content-disposition']).toContain(
      encodeURIComponent('改革简报2026年第1期.docx'),
    );
    const content = download.body as Buffer;
    expect(detectFileKind(content, 'x.docx')).toBe('docx');
    const xml = await (await JSZip.loadAsync(content)).file('word/document.xml')!.async('string');
    expect(xml).toContain('改革简报');
    expect(xml).toContain('2026年第1期');
    expect(xml).toContain('潼南：一件事一次办（简报标题）');
    expect(xml).toContain('第二段甲。');
    expect(xml).toContain('（武隆区供稿）');
    expect(xml).toContain('报送：市委主要领导');
    expect(xml).toContain('w:color w:val="E60012"');
  });

  it('should show every user the published items newest first, filtered, with their images, and the latest five at home', async () => {
    await testApp.dataSource.query(`DELETE FROM news_uses WHERE kind = 'published'`);
    const image = await upload(otherClerk, 'images', '现场.png', PNG);
    const ids: string[] = [];
    for (let day = 1; day <= 6; day += 1) {
      const id = await file(day % 2 ? clerk : otherClerk, {
        title: `动态第${day}条`,
        occurredOn: `2026-11-0${day}`,
        ...(day === 6 ? { images: [image] } : {}),
      });
      await approve(id, day % 2 ? reviewer : otherReviewer);
      expect((await use(id, { kind: 'published', usedOn: `2026-11-1${day}` })).status).toBe(303);
      ids.push(id);
    }
    const unpublished = await file(clerk, { title: '未发布的动态' });
    await approve(unpublished);

    const feed = await (await as(otherClerk)).agent.get('/news/feed');
    expect(feed.status).toBe(200);
    const order = [
      ...feed.text.matchAll(/<article class="news-feed-item" id="feed-([0-9a-f-]{36})"/g),
    ].map((match) => match[1]);
    expect(order).toEqual([...ids].reverse());
    expect(feed.text).not.toContain('未发布的动态');
    expect(feed.text).toContain(`<img src="/news/feed/${ids[5]}/images/${image}"`);
    const picture = await (await as(otherClerk)).agent.get(`/news/feed/${ids[5]}/images/${image}`);
    expect(picture.status).toBe(200);
    expect(picture.headers['content-type']).toBe('image/png');
    // The other district reads the published item, not the unpublished one.
    expect((await (await as(otherClerk)).agent.get(`/news/feed/${ids[4]}`)).status).toBe(200);
    expect((await (await as(otherClerk)).agent.get(`/news/feed/${unpublished}`)).status).toBe(404);

    const byUnit = await (await as(leader)).agent.get(`/news/feed?unit=${wulong}`);
    expect(byUnit.text).toContain('动态第2条');
    expect(byUnit.text).not.toContain('动态第1条');
    const byDate = await (await as(leader)).agent.get('/news/feed?from=2026-11-05&to=2026-11-06');
    expect([...byDate.text.matchAll(/class="news-feed-item"/g)]).toHaveLength(2);
    const none = await (await as(leader)).agent.get('/news/feed?from=2027-01-01');
    expect(none.text).toContain('没有符合条件的工作动态');

    const home = await (await as(otherClerk)).agent.get('/');
    const latest = [...home.text.matchAll(/<a href="\/news\/feed\/([0-9a-f-]{36})">/g)].map(
      (match) => match[1],
    );
    expect(latest).toEqual([...ids].reverse().slice(0, 5));
  });
});
