import { ConflictException, NotFoundException } from '@nestjs/common';
import type { AuthUser } from '../../auth/auth-context.js';
import { UuidPipe } from '../../common/http/params.js';
import { SqlConditions } from '../../database/sql.js';
import type { SqlRunner } from '../../database/sql-runner.js';
import { pageOfListing } from '../../workflow/record-kit/listing-page.js';
import type { RecordListing } from '../../workflow/workflow-visibility.js';
import type { WorkflowItemRow } from '../../workflow/workflow-item.js';
import type { WorkflowService } from '../../workflow/workflow.service.js';
import type { ProjectRow, ProjectsService } from '../projects.service.js';

/** The project id of a filing route's parameters (400 unless a UUID). */
export function projectIdOf(params: Record<string, string>): string {
  return new UuidPipe('projectId').transform(params.projectId);
}

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
 * project: 404 for anything else. `find` reads the record's row by id.
 */
export async function loadVisibleUpdate<T extends { project_id: string }>(
  deps: { workflow: WorkflowService; projects: ProjectsService },
  recordType: string,
  find: (id: string) => Promise<T | undefined>,
  id: string,
  user: AuthUser,
): Promise<{ item: WorkflowItemRow; row: T; project: ProjectRow }> {
  const item = await deps.workflow.findVisibleItem(id, user);
  if (item.record_type !== recordType) {
    throw new NotFoundException();
  }
  const row = await find(id);
  if (!row) {
    throw new NotFoundException();
  }
  return { item, row, project: await deps.projects.find(row.project_id, user) };
}

/**
 * The filters every update ledger shares, after the user's unit ($1, for the visibility rule):
 * `project` holds the record's project, `period` the date or month the from/to range applies to
 * (`p` is the joined project, `wi` the workflow item).
 */
export function ledgerConditions(
  user: AuthUser,
  filter: LedgerFilter,
  columns: { project: string; period: string; periodCast?: '::date' },
): SqlConditions {
  const conditions = new SqlConditions([user.unitId]);
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

/**
 * Which revisions of the update records a user's ledger lists (the shared listing rule within
 * the projects the user may read): the responsible department its own records in their newest
 * revision, office, leaders and admins the approved revisions in force, and the office also what
 * is under review.
 */
export const UPDATE_LISTING: RecordListing = { scope: { officeQueue: true } };

/** One page of an update ledger (see pageOfListing) under the update records' listing rule. */
export function pageOfUpdates<T>(
  db: SqlRunner,
  user: AuthUser,
  conditions: SqlConditions,
  sql: { from: string; order: string },
  pageSize: number,
  page: number,
): Promise<{ rows: T[]; total: number }> {
  return pageOfListing<T>(db, user, UPDATE_LISTING.scope, conditions, sql, pageSize, page);
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
