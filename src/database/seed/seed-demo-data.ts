import type { EntityManager } from 'typeorm';
import { DEMO_USERS } from './demo-people.js';

/** The password of every demo user (fictitious people); it meets the password policy. */
export const DEMO_PASSWORD = 'Gaige@2026';

/** Demo users (and, as modules arrive, demo records in every state) for a newcomer to look around. */
export async function seedDemoData(manager: EntityManager, passwordHash: string): Promise<void> {
  for (const user of DEMO_USERS) {
    await manager.query(
      `INSERT INTO users (mobile, name, unit_id, roles, password_hash, must_change_password, password_changed_at)
       SELECT $1, $2, id, $4, $5, false, now() FROM units WHERE code = $3
       ON CONFLICT (mobile) DO NOTHING`,
      [user.mobile, user.name, user.unitCode, user.roles, passwordHash],
    );
  }
}
