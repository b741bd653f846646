import { NotFoundException } from '@nestjs/common';
import type { AuthUser } from './auth-context.js';
import { hasRole } from './auth-context.js';

/**
 * Which units' records a user may read. Office staff, leaders and admins read every unit
 * (approved data; modules narrow further by state); entry clerks and reviewers read their own
 * unit. Modules widen this with records their unit is assigned to, involved in or competent for.
 */
export type UnitScope = { kind: 'all' } | { kind: 'units'; unitIds: number[] };

export function unitScopeFor(user: AuthUser): UnitScope {
  if (hasRole(user, 'office', 'leader', 'admin')) {
    return { kind: 'all' };
  }
  return { kind: 'units', unitIds: [user.unitId] };
}

export function canReadUnit(user: AuthUser, unitId: number): boolean {
  const scope = unitScopeFor(user);
  return scope.kind === 'all' || scope.unitIds.includes(unitId);
}

/** Objects outside the user's scope answer 404, not 403, so their ids cannot be probed. */
export function requireUnitReadable(user: AuthUser, unitId: number): void {
  if (!canReadUnit(user, unitId)) {
    throw new NotFoundException();
  }
}
