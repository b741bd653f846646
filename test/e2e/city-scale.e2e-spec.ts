import { hash, type Algorithm } from '@node-rs/argon2';
import pg from 'pg';
import { seesAllApproved, type AuthUser } from '../../src/auth/auth-context.js';
import {
  DemandsService,
  LEDGER_COUNT_AHEAD,
  type DemandLedgerFilter,
} from '../../src/demands/demands.service.js';
import { loadAuthUser } from '../../bench/app-probe.js';
import { SCALE_PASSWORD, seedScale } from '../../bench/scale-seeder.js';
import { reportQuarters } from '../../bench/seed-scale.js';
import { ReportsService } from '../../src/scoring/reports/reports.service.js';
import { binaryParser, readSheet } from '../helpers/excel.js';
import { login } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Pages on a few thousand seeded records (bench/scale-seeder.ts). The demand ledger: each page and
 * its count, taken from the ordered per-visibility branches, are the rows a plain query (the whole
 * visible set sorted, then LIMIT/OFFSET) gives; the Excel export reads every visible row through
 * its cursor. The cockpit lists only the latest risk events of the year.
 */
describe('Pages at city scale', () => {
  let testApp: TestApp;
  let leader: AuthUser;
  let clerk: AuthUser;
  let domainId: number;

  beforeAll(async () => {
    testApp = await createTestApp();
    const client = new pg.Client({ connectionString: testApp.databaseUrl });
    await client.connect();
    // Cheap argon2 parameters, as the test users get.
    const passwordHash = await hash(SCALE_PASSWORD, {
      algorithm: 2 as Algorithm,
      memoryCost: 1024,
      timeCost: 1,
      parallelism: 1,
    });
    await seedScale(client, { records: 4000, passwordHash });
    const mobiles = await client.query<{ leader: string; clerk: string }>(
      `SELECT (SELECT u.mobile FROM users u JOIN units un ON un.id = u.unit_id AND un.kind = 'office'
                WHERE 'leader' = ANY(u.roles) ORDER BY u.mobile LIMIT 1) AS leader,
              (SELECT u.mobile FROM users u JOIN demands d ON d.unit_id = u.unit_id
                WHERE u.roles = ARRAY['entry'] GROUP BY u.mobile ORDER BY count(*) DESC, u.mobile LIMIT 1) AS clerk`,
    );
    leader = await loadAuthUser(client, mobiles.rows[0].leader);
    clerk = await loadAuthUser(client, mobiles.rows[0].clerk);
    const domains = await client.query<{ domain_id: number }>(
      `SELECT domain_id FROM demands GROUP BY domain_id ORDER BY count(*) DESC LIMIT 1`,
    );
    domainId = domains.rows[0].domain_id;
    await client.end();
  });

  afterAll(async () => {
    await testApp.close();
  });

  /** The visible rows in ledger order, the straightforward way. */
  async function reference(user: AuthUser, filter: DemandLedgerFilter): Promise<string[]> {
    const rows: { id: string }[] = await testApp.dataSource.query(
      `SELECT d.id FROM demands d JOIN workflow_items wi ON wi.id = d.id
        WHERE ((d.unit_id = $1 AND NOT EXISTS (SELECT 1 FROM workflow_items n WHERE n.lineage_id = wi.lineage_id AND n.revision > wi.revision))
               OR (d.unit_id <> $1 AND wi.is_current_approved AND $3))
          AND ($2::int IS NULL OR d.domain_id = $2)
        ORDER BY wi.updated_at DESC, d.id`,
      [user.unitId, filter.domainId ?? null, seesAllApproved(user)],
    );
    return rows.map((row) => row.id);
  }

  it.each([
    ['the leader, no filter', 'leader', false],
    ['the leader, one domain', 'leader', true],
    ['a district clerk (own drafts too), no filter', 'clerk', false],
    ['a district clerk, one domain', 'clerk', true],
  ])('should give the same pages as the plain query for %s', async (_label, who, filtered) => {
    const user = who === 'leader' ? leader : clerk;
    // A clerk lists the own unit's demands only (DESIGN §1): short pages give it several too.
    const pageSize = who === 'leader' ? 20 : 2;
    const base = filtered ? { domainId } : {};
    const all = await reference(user, { ...base, page: 1 });
    const pages = Math.ceil(all.length / pageSize);
    expect(pages).toBeGreaterThan(3);
    for (const page of [1, 3, pages, pages + 1]) {
      const result = await testApp.app
        .get(DemandsService)
        .ledger(user, { ...base, page }, pageSize);
      expect(result.rows.map((row) => row.id)).toEqual(
        all.slice((page - 1) * pageSize, page * pageSize),
      );
      if (page > pages) {
        continue;
      }
      const cap = page * pageSize + LEDGER_COUNT_AHEAD;
      expect(result.more).toBe(all.length >= cap);
      if (result.more) {
        expect(result.total).toBeGreaterThanOrEqual(cap);
        expect(result.total).toBeLessThanOrEqual(all.length);
      } else {
        expect(result.total).toBe(all.length);
      }
    }
  });

  it('should show a lower bound when the ledger stopped counting, and export every row', async () => {
    const session = await login(testApp.server, leader.mobile, SCALE_PASSWORD);
    const page = await session.agent.get('/demands?page=2');
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/共 \d+\+ 条，第 2 \/ \d+\+ 页/);

    const all = await reference(leader, { domainId, page: 1 });
    const response = await session.agent
      .get(`/demands/export?domain=${domainId}`)
      .buffer(true)
      .parse(binaryParser);
    expect(response.status).toBe(200);
    const sheet = await readSheet(response.body as Buffer);
    expect(sheet.rows).toHaveLength(all.length + 1);
    const first: { title: string }[] = await testApp.dataSource.query(
      `SELECT title FROM demands WHERE id = $1`,
      [all[0]],
    );
    expect(sheet.rows[1][0]).toBe(first[0].title);
  });

  it("should list the newest 20 of the year's risk events in the cockpit and link to the rest", async () => {
    await testApp.app.get(ReportsService).generate('district', reportQuarters(1)[0], leader);
    const year = new Date().getUTCFullYear();
    await testApp.dataSource.query(
      `UPDATE risk_events SET occurred_on = make_date($1, 1, 2) + (random() * 30)::int
        WHERE id IN (SELECT e.id FROM risk_events e JOIN workflow_items wi ON wi.id = e.id AND wi.is_current_approved
                      WHERE e.involved_unit_id IS NOT NULL LIMIT 25)`,
      [year],
    );
    const [{ count }] = await testApp.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM risk_events e JOIN workflow_items wi ON wi.id = e.id AND wi.is_current_approved
        WHERE e.involved_unit_id IS NOT NULL AND e.occurred_on BETWEEN make_date($1, 1, 1) AND now()::date`,
      [year],
    );
    expect(count).toBeGreaterThan(20);
    const session = await login(testApp.server, leader.mobile, SCALE_PASSWORD);
    const page = await session.agent.get('/cockpit');
    expect(page.status).toBe(200);
    const panel = page.text.split('id="risk-events"')[1].split('</section>')[0];
    expect(panel).toContain(`（${count} 起）`);
    expect(panel.match(/<li/g)).toHaveLength(20);
    expect(panel).toContain(`查看全部 ${count} 起`);
  });
});
