import { ConflictException, NotFoundException } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { AuthUser } from '../../auth/auth-context.js';
import { seesAllApproved } from '../../auth/auth-context.js';
import { SqlConditions } from '../../database/sql.js';
import type { WorkflowItemRow } from '../../workflow/workflow-item.js';
import type { WorkflowService } from '../../workflow/workflow.service.js';
import type { ProjectRow, ProjectsService } from '../projects.service.js';

export const NOT_ISSUED_MESSAGE = '作战图确认下发后才能更新推进情况';

/** A project whose battle map is issued: the version in force is known. */
export type IssuedProjectRow = ProjectRow & { current_content_id: string; current_version: number };

/** The responsible department's entry clerk: the only one who files the monthly updates. */
export function isResponsibleClerk(project: ProjectRow, user: AuthUser): boolean {
  return user.roles.includes('entry') && user.unitId === project.responsible_unit_id;
}

/**
 * The project a clerk files an update for: 404 unless the user is an entry clerk of the
 * responsible department (other units cannot even tell it exists), and a clear refusal while the
 * battle map has not been issued.
 */
export async function requireFilingProject(
  projects: ProjectsService,
  projectId: string,
  user: AuthUser,
): Promise<IssuedProjectRow> {
  const project = await projects.find(projectId, user);
  if (!isResponsibleClerk(project, user)) {
    throw new NotFoundException();
  }
  if (project.current_content_id === null || project.current_version === null) {
    throw new ConflictException(NOT_ISSUED_MESSAGE);
  }
  return project as IssuedProjectRow;
}

/**
 * One update record the user may read, of the given record type, with its workflow item and
 * project: 404 for anything else. `sql` selects the record's row by id ($1).
 */
export async function loadVisibleUpdate<T extends { project_id: string }>(
  deps: { workflow: WorkflowService; dataSource: DataSource; projects: ProjectsService },
  recordType: string,
  sql: string,
  id: string,
  user: AuthUser,
): Promise<{ item: WorkflowItemRow; row: T; project: ProjectRow }> {
  const item = await deps.workflow.findVisibleItem(id, user);
  if (item.record_type !== recordType) {
    throw new NotFoundException();
  }
  const rows = await deps.dataSource.query<T[]>(sql, [id]);
  if (!rows[0]) {
    throw new NotFoundException();
  }
  return { item, row: rows[0], project: await deps.projects.find(rows[0].project_id, user) };
}

/** The shared pattern (src/common/http/params.ts), re-exported for the services that import it here. */
export { UUID_PATTERN } from '../../common/http/params.js';

/**
 * Which revisions of the update records a user's ledger lists (the showcase ledger's rule, within
 * the projects the user may read): the responsible department sees its own records in any state
 * (the latest revision of each); office, leaders and admins see the current approved revisions,
 * and the office also what is submitted and not yet approved (as the workflow lets it read them).
 * `wi` is the record's workflow item.
 */
export function ledgerVisibility(user: AuthUser): SqlConditions {
  const latest = `NOT EXISTS (SELECT 1 FROM workflow_items n WHERE n.lineage_id = wi.lineage_id AND n.revision > wi.revision)`;
  const clauses = [`(wi.owner_unit_id = $1 AND ${latest})`];
  if (seesAllApproved(user)) {
    clauses.push(`(wi.owner_unit_id <> $1 AND wi.is_current_approved)`);
  }
  if (user.roles.includes('office')) {
    clauses.push(`(wi.owner_unit_id <> $1 AND wi.state IN ('pending', 'returned') AND ${latest})`);
  }
  return new SqlConditions([user.unitId]).raw(`(${clauses.join(' OR ')})`);
}

/**
 * The visibility rule plus the filters every update ledger shares: `projectColumn` holds the
 * record's project, `periodColumn` the date or month the from/to range applies to (`p` is the
 * joined project, `wi` the workflow item).
 */
export function ledgerConditions(
  user: AuthUser,
  filter: LedgerFilter,
  columns: { project: string; period: string; periodCast?: '::date' },
): SqlConditions {
  const conditions = ledgerVisibility(user);
  const cast = columns.periodCast ?? '';
  if (filter.projectId) {
    conditions.add(`${columns.project} = ?::uuid`, filter.projectId);
  }
  if (filter.unitId) {
    conditions.add('p.responsible_unit_id = ?', filter.unitId);
  }
  if (filter.from) {
    conditions.add(`${columns.period} >= ?${cast}`, filter.from);
  }
  if (filter.to) {
    conditions.add(`${columns.period} <= ?${cast}`, filter.to);
  }
  if (filter.state) {
    conditions.add('wi.state = ?', filter.state);
  }
  return conditions;
}

/** The filters every update ledger shares. */
export interface LedgerFilter {
  projectId?: string;
  unitId?: number;
  /** YYYY-MM-DD (dates) or YYYY-MM (months), inclusive. */
  from?: string;
  to?: string;
  state?: 'draft' | 'pending' | 'approved' | 'returned';
  page: number;
}
