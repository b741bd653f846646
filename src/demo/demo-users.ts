import type { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth-context.js';
import type { RoleCode } from '../auth/roles.js';
import type { UnitCapability, UnitKind } from '../units/unit-kinds.js';

/** A demo user (src/database/seed/demo-people.ts) as the services see a logged-in user. */
export async function demoUser(dataSource: DataSource, mobile: string): Promise<AuthUser> {
  const rows: {
    id: string;
    name: string;
    mobile: string;
    roles: RoleCode[];
    unit_id: number;
    unit_name: string;
    unit_kind: UnitKind;
    capabilities: UnitCapability[];
  }[] = await dataSource.query(
    `SELECT u.id, u.name, u.mobile, u.roles, un.id AS unit_id, un.name AS unit_name, un.kind AS unit_kind, un.capabilities
       FROM users u JOIN units un ON un.id = u.unit_id WHERE u.mobile = $1`,
    [mobile],
  );
  const row = rows[0];
  if (!row) {
    throw new Error(`Demo user ${mobile} is missing`);
  }
  return {
    id: row.id,
    name: row.name,
    mobile: row.mobile,
    roles: row.roles,
    unitId: row.unit_id,
    unitName: row.unit_name,
    unitKind: row.unit_kind,
    unitCapabilities: row.capabilities,
    mustChangePassword: false,
  };
}

/** The id of a unit of the reference data by its code. */
export async function demoUnitId(dataSource: DataSource, code: string): Promise<number> {
  const rows: { id: number }[] = await dataSource.query(`SELECT id FROM units WHERE code = $1`, [
    code,
  ]);
  return rows[0].id;
}

/** The id of a dictionary item of the reference data by its kind and code. */
export async function demoDictionaryId(
  dataSource: DataSource,
  kind: string,
  code: string,
): Promise<number> {
  const rows: { id: number }[] = await dataSource.query(
    `SELECT id FROM dictionary_items WHERE kind = $1 AND code = $2`,
    [kind, code],
  );
  return rows[0].id;
}
