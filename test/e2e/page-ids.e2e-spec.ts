import { login, type HttpSession } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, unitIdByCode, type TestUser } from '../helpers/users.factory.js';

/** Links a walk does not follow: downloads, exports and actions that are not pages. */
const SKIP = [/^\/logout/, /\/export/, /^\/attachments\//, /template/, /\.xlsx/, /download/];
const MAX_PAGES_PER_USER = 160;

/** Every id="…" of an HTML page that occurs more than once. */
export function duplicateIds(html: string): string[] {
  const seen = new Map<string, number>();
  for (const match of html.matchAll(/\sid="([^"]*)"/g)) {
    seen.set(match[1], (seen.get(match[1]) ?? 0) + 1);
  }
  return [...seen].filter(([, count]) => count > 1).map(([id]) => id);
}

/**
 * Walks every GET page a user reaches by following links from the home page (one URL per path and
 * query shape) and reports each page whose ids are not unique: an `hx-target="#…"` or a label's
 * `for` would then reach the wrong element (the 试点成果 evidence landing in the hidden 推进状态 form).
 */
async function walk(
  session: HttpSession,
  start: string[],
): Promise<{ visited: number; problems: string[] }> {
  const queue = [...start];
  const seen = new Set<string>();
  const shapes = new Set<string>();
  const problems: string[] = [];
  let visited = 0;
  while (queue.length > 0 && visited < MAX_PAGES_PER_USER) {
    const url = queue.shift()!;
    if (seen.has(url)) {
      continue;
    }
    seen.add(url);
    const response = await session.agent.get(url);
    visited += 1;
    if (response.status !== 200 || !String(response.headers['content-type']).includes('html')) {
      continue;
    }
    const duplicates = duplicateIds(response.text);
    if (duplicates.length > 0) {
      problems.push(`${url}: ${duplicates.join(', ')}`);
    }
    for (const match of response.text.matchAll(/href="(\/[^"#]*)"/g)) {
      const link = match[1].replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
      if (SKIP.some((pattern) => pattern.test(link))) {
        continue;
      }
      // One page per shape: ids and uuids collapse, and so do query values.
      const shape = link
        .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ':uuid')
        .replace(/\/\d+/g, '/:n')
        .replace(/=[^&]*/g, '=');
      if (!shapes.has(shape)) {
        shapes.add(shape);
        queue.push(link);
      }
    }
  }
  return { visited, problems };
}

describe('Every page has unique element ids (an HTTP walk over the GET pages of each role)', () => {
  let testApp: TestApp;
  let cast: Record<'clerk' | 'reviewer' | 'deptClerk' | 'office' | 'leader', TestUser>;
  let streamId: string;

  beforeAll(async () => {
    testApp = await createTestApp();
    const ds = testApp.dataSource;
    cast = {
      clerk: await createUser(ds, { unitCode: 'shapingba', roles: ['entry'] }),
      reviewer: await createUser(ds, { unitCode: 'shapingba', roles: ['reviewer'] }),
      deptClerk: await createUser(ds, { unitCode: '市科技局', roles: ['entry'] }),
      office: await createUser(ds, { unitCode: '市委改革办', roles: ['office'] }),
      leader: await createUser(ds, { unitCode: '市委改革办', roles: ['leader'] }),
    };
    // A confirmed pilot: the district's stream page carries the 推进状态 and 试点成果 forms.
    const clerk = await login(testApp.server, cast.clerk.mobile, cast.clerk.password);
    const domainId = (
      await ds.query<{ id: number }[]>(
        `SELECT id FROM dictionary_items WHERE kind = 'domain' AND code = 'economy'`,
      )
    )[0].id;
    const created = await clerk.post('/pilots', {
      name: '科技成果转化试点',
      level: 'municipal',
      documentTitle: '关于开展科技成果转化试点的通知',
      documentNumber: '渝科发〔2022〕3号',
      issuer: '市科技局',
      deployedOn: '2022-03-01',
      competentUnitId: String(await unitIdByCode(ds, '市科技局')),
      acceptanceDue: '2026-12-31',
      domainId: String(domainId),
      documentClassified: 'on',
      submit: '1',
    });
    const pilotId = String(created.headers.location).split('/').pop()!;
    const reviewer = await login(testApp.server, cast.reviewer.mobile, cast.reviewer.password);
    await reviewer.htmx('post', `/records/${pilotId}/transitions`, { action: 'pass' });
    const dept = await login(testApp.server, cast.deptClerk.mobile, cast.deptClerk.password);
    expect((await dept.post(`/pilots/${pilotId}/confirmation`, {})).status).toBe(303);
    streamId = (
      await ds.query<{ id: string }[]>(`SELECT id FROM pilot_streams WHERE pilot_lineage_id = $1`, [
        pilotId,
      ])
    )[0].id;
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('should give the 推进状态 and 试点成果 forms of a pilot stream page their own upload fields', async () => {
    const clerk = await login(testApp.server, cast.clerk.mobile, cast.clerk.password);
    const page = await clerk.agent.get(`/pilot-streams/${streamId}`);
    expect(page.status).toBe(200);
    expect(duplicateIds(page.text)).toEqual([]);
    expect(page.text).toContain('hx-target="#progress-form-evidence-files"');
    expect(page.text).toContain('hx-target="#achievement-form-evidence-files"');
    // Each list sits inside its own form.
    const achievementForm = /<form[^>]*id="achievement-form"[\s\S]*?<\/form>/.exec(page.text)![0];
    expect(achievementForm).toContain('id="achievement-form-evidence-files"');
    expect(achievementForm).not.toContain('id="progress-form-evidence-files"');
  });

  it.each(['clerk', 'reviewer', 'deptClerk', 'office', 'leader'] as const)(
    'should find no page with a repeated id for the %s',
    async (role) => {
      const user = cast[role];
      const session = await login(testApp.server, user.mobile, user.password);
      const { visited, problems } = await walk(session, [
        '/',
        '/pilots/new',
        `/pilot-streams/${streamId}`,
      ]);
      expect(visited).toBeGreaterThan(10);
      expect(problems).toEqual([]);
    },
  );
});
