import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../src/auth/auth-context.js';
import type { RoleCode } from '../../src/auth/roles.js';
import type { WorkflowState } from '../../src/workflow/workflow-chain.js';
import {
  canViewRecord,
  listingUnion,
  listsRecord,
  type ListingFacts,
  type ListingScope,
} from '../../src/workflow/workflow-visibility.js';
import { cloneTemplateDatabase, databaseUrl, dropDatabase } from '../helpers/test-database.js';
import { createUser, unitIdByCode } from '../helpers/users.factory.js';

/**
 * The ledger visibility rule twice: the SQL every ledger, export and count runs (listingUnion)
 * and the pure listsRecord. Users of every role in every kind of unit against records of three
 * owners in every state and revision history: the SQL lists exactly the revisions the pure rule
 * lists, each once, and every one of them is a revision canViewRecord lets the user open.
 */
const RECORD_TYPE = 'listing_probe';
const ROLES: RoleCode[] = ['entry', 'reviewer', 'office', 'leader', 'admin', 'auditor'];

/** The revision histories a record can have: states oldest first, which one is in force. */
const HISTORIES: { states: WorkflowState[]; current?: number }[] = [
  { states: ['draft'] },
  { states: ['pending'] },
  { states: ['returned'] },
  { states: ['approved'], current: 0 },
  { states: ['approved', 'draft'], current: 0 },
  { states: ['approved', 'pending'], current: 0 },
  { states: ['approved', 'returned'], current: 0 },
  { states: ['approved', 'approved'], current: 1 },
  { states: ['approved', 'approved', 'pending'], current: 1 },
];

interface Revision {
  id: string;
  facts: ListingFacts;
  pendingUnitId: number | null;
  pendingRole: string | null;
}

describe('ledger visibility: SQL and pure rule agree', () => {
  let databaseName: string;
  let dataSource: DataSource;
  const revisions: Revision[] = [];
  const units: Record<'office' | 'districtA' | 'districtB' | 'department' | 'other', number> = {
    office: 0,
    districtA: 0,
    districtB: 0,
    department: 0,
    other: 0,
  };

  beforeAll(async () => {
    databaseName = await cloneTemplateDatabase();
    dataSource = new DataSource({ type: 'postgres', url: databaseUrl(databaseName) });
    await dataSource.initialize();
    units.office = await unitIdByCode(dataSource, '市委改革办');
    units.districtA = await unitIdByCode(dataSource, '渝中区');
    units.districtB = await unitIdByCode(dataSource, '江北区');
    units.department = await unitIdByCode(dataSource, '市发展改革委');
    units.other = await unitIdByCode(dataSource, '万州区');
    const creator = await createUser(dataSource, { unitCode: '渝中区', roles: ['entry'] });
    await dataSource.query(
      `CREATE TABLE listing_probe_involved (item_id uuid NOT NULL, unit_id integer NOT NULL)`,
    );
    // Owners: two districts and a department; the department is involved in district A's records.
    const owners = [units.districtA, units.districtB, units.department];
    for (const owner of owners) {
      for (const history of HISTORIES) {
        const lineage = randomUUID();
        for (const [index, state] of history.states.entries()) {
          const id = index === 0 ? lineage : randomUUID();
          const pending = state === 'pending';
          const pendingUnitId = pending ? (index === 0 ? owner : units.office) : null;
          const pendingRole = pending ? (index === 0 ? 'reviewer' : 'office') : null;
          const involved = owner === units.districtA ? [units.department] : [];
          await dataSource.query(
            `INSERT INTO workflow_items (id, record_type, lineage_id, revision, title, owner_unit_id, state, step,
                                         pending_unit_id, pending_role, is_current_approved, created_by, approved_at)
             VALUES ($1, $2, $3, $4, '探针', $5, $6, $7, $8, $9, $10, $11, $12)`,
            [
              id,
              RECORD_TYPE,
              lineage,
              index + 1,
              owner,
              state,
              pending ? 0 : null,
              pendingUnitId,
              pendingRole,
              history.current === index,
              creator.id,
              state === 'approved' ? new Date() : null,
            ],
          );
          for (const unitId of involved) {
            await dataSource.query(
              `INSERT INTO listing_probe_involved (item_id, unit_id) VALUES ($1, $2)`,
              [id, unitId],
            );
          }
          revisions.push({
            id,
            pendingUnitId,
            pendingRole,
            facts: {
              state,
              ownerUnitId: owner,
              isCurrentApproved: history.current === index,
              isNewest: index === history.states.length - 1,
              involvedUnitIds: involved,
            },
          });
        }
      }
    }
  });

  afterAll(async () => {
    await dataSource?.destroy();
    if (databaseName) {
      await dropDatabase(databaseName);
    }
  });

  const scopes: [string, ListingScope][] = [
    ['plain', {}],
    [
      'with involved units',
      {
        involved: `EXISTS (SELECT 1 FROM listing_probe_involved i WHERE i.item_id = wi.id AND i.unit_id = $1)`,
      },
    ],
    ['with the office queue', { officeQueue: true }],
  ];

  it.each(scopes)('%s: every role in every unit', async (_name, scope) => {
    let pairs = 0;
    let listed = 0;
    for (const unitId of Object.values(units)) {
      for (const role of ROLES) {
        const user: AuthUser = {
          id: randomUUID(),
          name: '测试',
          mobile: '18800000000',
          roles: [role],
          unitId,
          unitName: '单位',
          unitKind: unitId === units.office ? 'office' : 'district',
          unitCapabilities: [],
          mustChangePassword: false,
        };
        const rows: { id: string }[] = await dataSource.query(
          listingUnion(
            user,
            scope,
            (visibility) =>
              `SELECT wi.id FROM workflow_items wi WHERE wi.record_type = '${RECORD_TYPE}' AND ${visibility}`,
          ),
          [user.unitId],
        );
        const fromSql = rows.map((row) => row.id).sort();
        expect(new Set(fromSql).size).toBe(fromSql.length);
        const expected = revisions
          .filter((revision) => listsRecord(user, revision.facts, scope))
          .map((revision) => revision.id)
          .sort();
        expect({ role, unitId, ids: fromSql }).toEqual({ role, unitId, ids: expected });
        for (const revision of revisions) {
          pairs += 1;
          if (listsRecord(user, revision.facts, scope)) {
            listed += 1;
            const viewable = canViewRecord(user, {
              state: revision.facts.state,
              ownerUnitId: revision.facts.ownerUnitId,
              competentUnitId: null,
              pendingUnitId: revision.pendingUnitId,
              pendingRole: revision.pendingRole,
              extraUnitIds: revision.facts.involvedUnitIds,
            });
            expect({ role, unitId, id: revision.id, viewable }).toEqual({
              role,
              unitId,
              id: revision.id,
              viewable: true,
            });
          }
        }
      }
    }
    // 5 units × 6 roles against 3 owners × 9 histories (15 revisions each owner).
    expect(pairs).toBe(5 * 6 * 3 * 15);
    expect(listed).toBeGreaterThan(0);
  });
});
