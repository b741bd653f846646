import { Injectable } from '@nestjs/common';
import { STEP_ENTERED_BY_SQL } from './workflow-item.js';
import type { AuthUser } from '../auth/auth-context.js';
import { PreparedStatements } from '../database/prepared-statements.js';

export interface BadgeCounts {
  inbox: number;
  notifications: number;
}

/** The counts in the navigation (待办, 消息): one prepared, indexed query per full page. */
@Injectable()
export class NavigationBadges {
  constructor(private readonly statements: PreparedStatements) {}

  async count(user: AuthUser): Promise<BadgeCounts> {
    const rows = await this.statements.query<BadgeCounts>(
      `SELECT (SELECT count(*)::int FROM workflow_items wi
                WHERE state = 'pending' AND pending_unit_id = $1 AND pending_role = ANY($2::text[])
                  AND ${STEP_ENTERED_BY_SQL} IS DISTINCT FROM $3::uuid) AS inbox,
              (SELECT count(*)::int FROM notifications WHERE user_id = $3 AND read_at IS NULL) AS notifications`,
      [user.unitId, user.roles, user.id],
    );
    return rows[0] ?? { inbox: 0, notifications: 0 };
  }
}
