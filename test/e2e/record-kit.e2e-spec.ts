import { login, fieldError, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, type TestUser } from '../helpers/users.factory.js';
import { SampleNotesModule } from '../support/sample-notes.module.js';

/**
 * A record type made of the record kit alone (test/support/sample-notes.module.ts): its form
 * routes refuse a bad form in place (422, what was typed kept, the token given back), save a form
 * sent twice once, keep the workflow item's title in step, refuse editing under review with the
 * reason next to the field, and a change of the approved record copies its row into a new draft
 * revision.
 */
describe('Record kit: a sample record type through its shared form routes', () => {
  let testApp: TestApp;
  let clerk: TestUser;
  let reviewer: TestUser;
  let office: TestUser;
  let stranger: TestUser;
  let session: HttpSession;

  beforeAll(async () => {
    testApp = await createTestApp({}, [SampleNotesModule]);
    const ds = testApp.dataSource;
    clerk = await createUser(ds, { unitCode: 'yuzhong', roles: ['entry'] });
    reviewer = await createUser(ds, { unitCode: 'yuzhong', roles: ['reviewer'] });
    office = await createUser(ds, { unitCode: '市委改革办', roles: ['office'] });
    stranger = await createUser(ds, { unitCode: 'jiangbei', roles: ['entry'] });
    session = await login(testApp.server, clerk.mobile, clerk.password);
  });

  afterAll(async () => {
    await testApp.close();
  });

  const notes = () =>
    testApp.dataSource.query<{ id: string; lineage_id: string; title: string }[]>(
      `SELECT id, lineage_id, title FROM sample_notes ORDER BY title, id`,
    );
  const item = async (id: string) =>
    (
      await testApp.dataSource.query<{ state: string; title: string; revision: number }[]>(
        `SELECT state, title, revision FROM workflow_items WHERE id = $1`,
        [id],
      )
    )[0];

  async function act(user: TestUser, id: string, action: string) {
    const actor = await login(testApp.server, user.mobile, user.password);
    const response = await actor.htmx('post', `/records/${id}/transitions`, { action });
    expect(response.status).toBe(200);
  }

  it('should file, edit, submit and revise a record, each in one step', async () => {
    const form = await session.agent.get('/sample-notes/new');
    expect(form.status).toBe(200);
    const token = /name="_once" value="([0-9a-f-]{36})"/.exec(form.text)![1];

    const refused = await session.post('/sample-notes', { title: '', _once: token });
    expect(refused.status).toBe(422);
    expect(fieldError(refused.text, 'title')).toBeDefined();
    expect(await notes()).toHaveLength(0);

    // The refused form's token was given back: the corrected form is saved, once.
    const filed = { title: '第一张便笺', _once: token };
    const created = await session.post('/sample-notes', filed);
    expect(created.status).toBe(303);
    const again = await session.post('/sample-notes', filed);
    expect(again.headers.location).toBe(created.headers.location);
    const [note] = await notes();
    expect(created.headers.location).toBe(`/sample-notes/${note.id}`);
    expect(await item(note.id)).toMatchObject({ state: 'draft', title: '第一张便笺', revision: 1 });

    const editable = await session.agent.get(`/sample-notes/${note.id}`);
    expect(editable.text).toContain('value="第一张便笺"');
    const submitted = await session.post(`/sample-notes/${note.id}`, {
      title: '改过的便笺',
      submit: '1',
    });
    expect(submitted.status).toBe(303);
    expect(await item(note.id)).toMatchObject({ state: 'pending', title: '改过的便笺' });

    const underReview = await session.post(`/sample-notes/${note.id}`, { title: '再改' });
    expect(underReview.status).toBe(422);
    expect(fieldError(underReview.text, 'title')).toContain('审核期间不能修改');

    const other = await login(testApp.server, stranger.mobile, stranger.password);
    expect((await other.agent.get(`/sample-notes/${note.id}`)).status).toBe(404);

    await act(reviewer, note.id, 'pass');
    await act(office, note.id, 'confirm');
    expect(await item(note.id)).toMatchObject({ state: 'approved' });

    const revised = await session.post(`/sample-notes/${note.id}/revision`, {});
    expect(revised.status).toBe(303);
    const rows = await notes();
    expect(rows).toHaveLength(2);
    const copy = rows.find((row) => row.id !== note.id)!;
    expect(copy).toMatchObject({ lineage_id: note.id, title: '改过的便笺' });
    expect(revised.headers.location).toBe(`/sample-notes/${copy.id}`);
    expect(await item(copy.id)).toMatchObject({ state: 'draft', revision: 2 });
  });
});
