import { seesAllApproved, type AuthUser } from '../auth/auth-context.js';
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

/** Which revision a ledger row stands for, beside the facts of `canViewRecord`. */
export interface ListingFacts {
  state: WorkflowState;
  ownerUnitId: number;
  /** The approved revision in force of its record. */
  isCurrentApproved: boolean;
  /** No later revision of the record exists. */
  isNewest: boolean;
  /** Units the module names (involved districts, competent department, …). */
  involvedUnitIds?: readonly number[];
}

/** What a ledger adds to the shared rule. */
export interface ListingScope {
  /**
   * SQL true when the user's unit ($1) is involved in the record: such a unit lists the record's
   * approved revision in force even without seeing all approved data. Omitted: no unit is.
   */
  involved?: string;
  /** The office also lists other units' records under review (pending or returned, newest). */
  officeQueue?: boolean;
}

/**
 * A record type's listing rule as its ledgers and the search apply it: the scope, and the joins
 * from the workflow item `wi` to the tables the scope's `involved` condition reads.
 */
export interface RecordListing {
  scope: ListingScope;
  joins?: string;
}

/**
 * Which revisions of which records a user's ledgers, exports and counts list (DESIGN §1): the own
 * unit's records in their newest revision, any state; other units' records in their approved
 * revision in force, for those who see all approved data and for the units involved in them; and,
 * in ledgers that say so, the office's queue of records under review. Every listed revision is
 * one `canViewRecord` lets the user open.
 */
export function listsRecord(user: AuthUser, facts: ListingFacts, scope: ListingScope): boolean {
  if (facts.ownerUnitId === user.unitId) {
    return facts.isNewest;
  }
  if (facts.isCurrentApproved) {
    return (
      seesAllApproved(user) ||
      (scope.involved !== undefined && (facts.involvedUnitIds ?? []).includes(user.unitId))
    );
  }
  return (
    scope.officeQueue === true &&
    user.roles.includes('office') &&
    facts.isNewest &&
    (facts.state === 'pending' || facts.state === 'returned')
  );
}

const NEWEST = `NOT EXISTS (SELECT 1 FROM workflow_items n WHERE n.lineage_id = wi.lineage_id AND n.revision > wi.revision)`;

/** The first rule alone (我的填报): the records of the user's unit ($1), newest revision, any state. */
export const OWN_UNIT_NEWEST = `wi.owner_unit_id = $1 AND ${NEWEST}`;

/**
 * `listsRecord` as SQL: one condition per rule, disjoint, on the record's workflow item `wi` with
 * the user's unit as $1. Each is a branch of a UNION ALL (`listingUnion`), so that every branch
 * walks its own index instead of one OR over the whole table (the city-scale form).
 */
export function listingBranches(user: AuthUser, scope: ListingScope = {}): string[] {
  const branches = [OWN_UNIT_NEWEST];
  if (seesAllApproved(user)) {
    branches.push(`wi.owner_unit_id <> $1 AND wi.is_current_approved`);
  } else if (scope.involved !== undefined) {
    branches.push(`wi.owner_unit_id <> $1 AND wi.is_current_approved AND (${scope.involved})`);
  }
  if (scope.officeQueue && user.roles.includes('office')) {
    branches.push(`wi.owner_unit_id <> $1 AND wi.state IN ('pending', 'returned') AND ${NEWEST}`);
  }
  return branches;
}

/**
 * The rows a ledger lists: `select(visibility)` is the ledger's SELECT with the visibility
 * condition in its WHERE (and its filters beside it); the branches are joined by UNION ALL, to be
 * ordered and paged by the caller over the union's columns.
 */
export function listingUnion(
  user: AuthUser,
  scope: ListingScope,
  select: (visibility: string) => string,
): string {
  return listingBranches(user, scope)
    .map((visibility) => `(${select(visibility)})`)
    .join('\n UNION ALL ');
}
