import { Clock } from '../../src/common/time/clock.js';
import { login, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser } from '../helpers/users.factory.js';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n');
const SUBMISSIONS = 500;
const CONCURRENCY = 25;
const DISTRICTS = [
  'yuzhong',
  'jiangbei',
  'wanzhou',
  'fuling',
  'dazu',
  'tongliang',
  'rongchang',
  'bishan',
  'hechuan',
  'yongchuan',
];

/**
 * A deadline burst (SECURITY.md A2): 500 highlights, each with a PDF uploaded first, from ten
 * districts' clerks, 25 at a time. Whatever answers came back, the database holds exactly the
 * records the clerks were told were saved, each linked to its own PDF — nothing half-written.
 */
describe('Submission burst: 500 filings with PDFs', () => {
  let testApp: TestApp;
  const sessions: HttpSession[] = [];
  let subKindId: string;

  beforeAll(async () => {
    testApp = await createTestApp();
    testApp.app.get(Clock).now = () => new Date('2026-11-20T10:00:00+08:00');
    for (const unitCode of DISTRICTS) {
      const clerk = await createUser(testApp.dataSource, { unitCode, roles: ['entry'] });
      sessions.push(await login(testApp.server, clerk.mobile, clerk.password));
    }
    const [kind] = await testApp.dataSource.query<{ id: number }[]>(
      `SELECT id FROM dictionary_items WHERE kind = 'affirmation_kind' AND code = 'national_1'`,
    );
    subKindId = String(kind.id);
  });

  afterAll(async () => {
    await testApp.close();
  });

  const fileOne = async (index: number): Promise<{ saved: boolean; attachment?: string }> => {
    const session = sessions[index % sessions.length];
    const upload = await session.agent
      .post('/attachments?field=evidence')
      .set('HX-Request', 'true')
      .set('X-CSRF-Token', session.csrfToken)
      .attach('upload_evidence', PDF, `佐证-${index}.pdf`);
    const attachment = /name="evidence" value="([0-9a-f-]{36})"/.exec(upload.text)?.[1];
    if (upload.status !== 200 || !attachment) {
      return { saved: false };
    }
    const response = await session.post('/showcase', {
      matter: `突击填报-${index}`,
      category: 'national',
      subKindId,
      happenedOn: '2026-05-20',
      problemsSolved: '问题',
      results: '成果',
      evidence: attachment,
      submit: '1',
    });
    return { saved: response.status === 303, attachment };
  };

  it('should leave database rows exactly equal to the successful responses', async () => {
    const outcomes: { saved: boolean; attachment?: string }[] = [];
    const statuses: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < SUBMISSIONS) {
          const index = next;
          next += 1;
          outcomes[index] = await fileOne(index).catch((error: unknown) => {
            statuses.push(500);
            throw error;
          });
        }
      }),
    );
    expect(statuses).toEqual([]);
    const saved = outcomes.filter((outcome) => outcome.saved);
    const [counts] = await testApp.dataSource.query<
      { highlights: number; pending: number; linked: number; distinct_files: number }[]
    >(
      `SELECT count(*)::int AS highlights,
              count(*) FILTER (WHERE wi.state = 'pending')::int AS pending,
              count(l.attachment_id)::int AS linked,
              count(DISTINCT l.attachment_id)::int AS distinct_files
         FROM showcase_highlights h
         JOIN workflow_items wi ON wi.id = h.id
         LEFT JOIN workflow_item_attachments l ON l.item_id = h.id AND l.field = 'evidence'
        WHERE h.matter LIKE '突击填报-%'`,
    );
    expect(saved).toHaveLength(SUBMISSIONS);
    expect(counts).toEqual({
      highlights: saved.length,
      pending: saved.length,
      linked: saved.length,
      distinct_files: saved.length,
    });
    const [events] = await testApp.dataSource.query<{ submits: number }[]>(
      `SELECT count(*)::int AS submits FROM workflow_events e JOIN showcase_highlights h ON h.id = e.item_id
        WHERE h.matter LIKE '突击填报-%' AND e.action = 'submit'`,
    );
    expect(events.submits).toBe(saved.length);
  }, 600_000);
});
