import { hash, type Algorithm } from '@node-rs/argon2';
import type { DataSource } from 'typeorm';
import type { RoleCode } from '../../src/auth/roles.js';

/** A password that meets the policy, used by most tests. */
export const TEST_PASSWORD = 'Test@Pass2026';

const hashes = new Map<string, Promise<string>>();
function hashOnce(password: string): Promise<string> {
  // Cheaper parameters than production: the tests log in hundreds of times.
  let cached = hashes.get(password);
  if (!cached) {
    cached = hash(password, {
      algorithm: 2 as Algorithm,
      memoryCost: 1024,
      timeCost: 1,
      parallelism: 1,
    });
    hashes.set(password, cached);
  }
  return cached;
}

let counter = 0;

export interface TestUser {
  id: string;
  mobile: string;
  name: string;
  unitId: number;
  password: string;
}

/** A unit by its code, or by its Chinese name (e.g. 市委改革办, 市发展改革委). */
export async function unitIdByCode(dataSource: DataSource, codeOrName: string): Promise<number> {
  const rows: { id: number }[] = await dataSource.query(
    `SELECT id FROM units WHERE code = $1 OR name = $1`,
    [codeOrName],
  );
  if (!rows[0]) {
    throw new Error(`No unit ${codeOrName}`);
  }
  return rows[0].id;
}

/** The seeded dictionary items of a kind in their order, or the one with `code`. */
export async function dictionaryIds(
  dataSource: DataSource,
  kind: string,
  code?: string,
): Promise<number[]> {
  const rows: { id: number }[] = await dataSource.query(
    `SELECT id FROM dictionary_items WHERE kind = $1 AND active AND ($2::text IS NULL OR code = $2)
      ORDER BY sort_order, id`,
    [kind, code ?? null],
  );
  return rows.map((row) => row.id);
}

/** Inserts a user straight into the database (the admin pages have their own tests). */
export async function createUser(
  dataSource: DataSource,
  options: {
    unitCode?: string;
    roles: RoleCode[];
    password?: string;
    mustChangePassword?: boolean;
    active?: boolean;
    name?: string;
  },
): Promise<TestUser> {
  counter += 1;
  const mobile = `188${String(process.pid % 10000).padStart(4, '0')}${String(counter).padStart(4, '0')}`;
  const password = options.password ?? TEST_PASSWORD;
  const unitId = await unitIdByCode(dataSource, options.unitCode ?? 'yuzhong');
  const name = options.name ?? `测试用户${counter}`;
  const rows: { id: string }[] = await dataSource.query(
    `INSERT INTO users (mobile, name, unit_id, roles, password_hash, must_change_password, active)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [
      mobile,
      name,
      unitId,
      options.roles,
      await hashOnce(password),
      options.mustChangePassword ?? false,
      options.active ?? true,
    ],
  );
  return { id: rows[0].id, mobile, name, unitId, password };
}
