import type { AuthUser } from '../auth/auth-context.js';
import type { WorkflowState } from './workflow-chain.js';

export interface VisibilityFacts {
  state: WorkflowState;
  ownerUnitId: number;
  competentUnitId: number | null;
  pendingUnitId: number | null;
  /** The role that must act at the pending unit (a reviewer, the competent clerk, the office). */
  pendingRole: string | null;
  /** Units a module adds (assignees of a task, districts involved in a pilot). */
  extraUnitIds?: readonly number[];
}

/**
 * Who may read one revision of a record (DESIGN §1, data scope):
 * - its own unit sees every state, drafts included;
 * - no one else ever sees a draft;
 * - the unit that must act now (competent department, reform office) sees it while it waits,
 *   through its users holding the acting role (not the leaders, admins or auditor of that unit);
 * - the competent department and units the module names (assignees, involved districts) see it
 *   once it left draft;
 * - reform office staff see everything submitted; leaders and admins see approved records.
 */
export function canViewRecord(user: AuthUser, facts: VisibilityFacts): boolean {
  if (user.unitId === facts.ownerUnitId) {
    return true;
  }
  if (facts.state === 'draft') {
    return false;
  }
  if (
    facts.pendingUnitId === user.unitId &&
    facts.pendingRole !== null &&
    (user.roles as readonly string[]).includes(facts.pendingRole)
  ) {
    return true;
  }
  if (facts.competentUnitId === user.unitId || facts.extraUnitIds?.includes(user.unitId)) {
    return true;
  }
  if (user.roles.includes('office')) {
    return true;
  }
  return (
    facts.state === 'approved' && (user.roles.includes('leader') || user.roles.includes('admin'))
  );
}
