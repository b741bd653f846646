import { AttachmentsService } from '../../src/attachments/attachments.service.js';
import { SchedulerService } from '../../src/scheduler/scheduler.service.js';
import { login, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, type TestUser } from '../helpers/users.factory.js';
import { pdf } from '../security/upload-fixtures.js';

/**
 * Issue 18 item 9: uploads no saved record uses are deleted after a day (one statement, safe with
 * several instances purging at once), and one user may hold only so many of them (here 3 files or
 * 1 MB; 50 and 200 MB by default).
 */
describe('Orphan uploads (HTTP, real PostgreSQL)', () => {
  let testApp: TestApp;
  let clerk: TestUser;
  let other: TestUser;
  let session: HttpSession;
  let otherSession: HttpSession;

  const upload = (who: HttpSession, name: string, content = pdf()) =>
    who.agent
      .post('/attachments?field=attachments')
      .set('HX-Request', 'true')
      .set('X-CSRF-Token', who.csrfToken)
      .attach('upload_attachments', content, name);
  const idIn = (html: string) => /value="([0-9a-f-]{36})"/.exec(html)![1];
  const ids = async () =>
    (
      await testApp.dataSource.query<{ id: string }[]>(`SELECT id FROM attachments ORDER BY id`)
    ).map((row) => row.id);
  const age = (id: string, hours: number) =>
    testApp.dataSource.query(
      `UPDATE attachments SET created_at = now() - make_interval(hours => $2) WHERE id = $1`,
      [id, hours],
    );
  const dictionaryId = async (kind: string) =>
    (
      await testApp.dataSource.query<{ id: number }[]>(
        `SELECT id FROM dictionary_items WHERE kind = $1 AND active ORDER BY sort_order LIMIT 1`,
        [kind],
      )
    )[0].id;
  const saveDemandWith = async (attachment: string) => {
    const response = await session.post('/demands', {
      title: '带附件的需求',
      description: '附件已保存',
      channelId: String(await dictionaryId('demand_channel')),
      domainId: String(await dictionaryId('domain')),
      attachments: attachment,
    });
    expect(response.status).toBe(303);
  };

  beforeAll(async () => {
    testApp = await createTestApp({
      upload: { maxFileBytes: 768 * 1024, maxUnlinkedFiles: 3, maxUnlinkedBytes: 1024 * 1024 },
    });
    clerk = await createUser(testApp.dataSource, { unitCode: 'yuzhong', roles: ['entry'] });
    other = await createUser(testApp.dataSource, { unitCode: 'yuzhong', roles: ['entry'] });
    session = await login(testApp.server, clerk.mobile, clerk.password);
    otherSession = await login(testApp.server, other.mobile, other.password);
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('should cap what one user holds unlinked, and free the cap when a record uses a file', async () => {
    const first = idIn((await upload(session, '一.pdf')).text);
    await upload(session, '二.pdf');
    await upload(session, '三.pdf');
    const refused = await upload(session, '四.pdf');
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('尚未保存到记录的文件');
    expect(refused.text).toContain('最多 3 个');
    // Another user of the same unit has a cap of their own.
    expect((await upload(otherSession, '别人的.pdf')).status).toBe(200);
    // Saving a record with one of the files frees a place.
    await saveDemandWith(first);
    expect((await upload(session, '四.pdf')).status).toBe(200);
  });

  it('should cap the bytes too', async () => {
    const big = Buffer.concat([pdf(), Buffer.alloc(600 * 1024, 0x20), Buffer.from('\n%%EOF\n')]);
    const third = await upload(otherSession, '大一.pdf', big);
    expect(third.status).toBe(200);
    const over = await upload(otherSession, '大二.pdf', big);
    expect(over.status).toBe(422);
    expect(over.text).toContain('1 MB');
  });

  it('should delete only unlinked uploads older than a day, once across parallel purges', async () => {
    await testApp.dataSource.query(`DELETE FROM workflow_item_attachments`);
    await testApp.dataSource.query(`DELETE FROM attachments`);
    const linked = idIn((await upload(session, '已保存.pdf')).text);
    await saveDemandWith(linked);
    const oldOrphans = [
      idIn((await upload(session, '旧一.pdf')).text),
      idIn((await upload(otherSession, '旧二.pdf')).text),
    ];
    const fresh = idIn((await upload(session, '新.pdf')).text);
    for (const id of [linked, ...oldOrphans]) {
      await age(id, 30);
    }
    await age(fresh, 23);

    const attachments = testApp.app.get(AttachmentsService);
    const now = new Date();
    const counts = await Promise.all([
      attachments.purgeOrphanUploads(now),
      attachments.purgeOrphanUploads(now),
      attachments.purgeOrphanUploads(now),
    ]);
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(2);
    expect(await ids()).toEqual([linked, fresh].sort());
    // The saved record's file still downloads; the next purge finds nothing.
    expect((await session.agent.get(`/attachments/${linked}`)).status).toBe(200);
    expect(await attachments.purgeOrphanUploads(now)).toBe(0);
    // A day later the fresh one goes too.
    expect(await attachments.purgeOrphanUploads(new Date(now.getTime() + 2 * 3600_000))).toBe(1);
    expect(await ids()).toEqual([linked]);
  });

  it('should run the purge as the nightly orphan-uploads job of the scheduler', async () => {
    await testApp.dataSource.query(`DELETE FROM workflow_item_attachments`);
    await testApp.dataSource.query(`DELETE FROM attachments`);
    const orphan = idIn((await upload(session, '夜间清理.pdf')).text);
    await age(orphan, 30);
    const scheduler = testApp.app.get(SchedulerService);
    expect(scheduler.registered().map((job) => job.name)).toContain('orphan-uploads');
    const now = new Date();
    await scheduler.scheduleAt('orphan-uploads', new Date(now.getTime() - 60_000));
    expect(await scheduler.runDue(now)).toContain('orphan-uploads');
    expect(await ids()).toEqual([]);
  });
});
