import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth-context.js';
import { requireUnitReadable } from '../auth/data-scope.js';
import { ROLE_LABELS, type RoleCode } from '../auth/roles.js';
import { ReportingProgressService } from '../deadlines/reporting-progress.service.js';
import { ReportsService, storedFraction } from '../scoring/reports/reports.service.js';
import { periodLabel } from '../scoring/reports/report-periods.js';
import { WorkflowRegistry } from '../workflow/workflow-registry.js';
import { NAVIGATION } from './navigation.js';

@Injectable()
export class HomeService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: WorkflowRegistry,
    private readonly reports: ReportsService,
    private readonly progress: ReportingProgressService,
  ) {}

  /**
   * The own unit's figures for clerks and reviewers: what waits for them, what came back, and
   * where the unit (or its major projects) stands in the latest generated report.
   */
  async unitFigures(user: AuthUser) {
    const [counts] = await this.dataSource.query<
      { waiting: number; returned: number; drafts: number }[]
    >(
      `SELECT (SELECT count(*)::int FROM workflow_items
                WHERE state = 'pending' AND pending_unit_id = $1 AND pending_role = ANY($2::text[])) AS waiting,
              (SELECT count(*)::int FROM workflow_items WHERE owner_unit_id = $1 AND state = 'returned') AS returned,
              (SELECT count(*)::int FROM workflow_items WHERE owner_unit_id = $1 AND state = 'draft') AS drafts`,
      [user.unitId, user.roles],
    );
    const returned = await this.dataSource.query<
      {
        id: string;
        record_type: string;
        title: string;
        last_reason_label: string | null;
        updated_at: Date;
      }[]
    >(
      `SELECT id, record_type, title, last_reason_label, updated_at FROM workflow_items
        WHERE owner_unit_id = $1 AND state = 'returned' ORDER BY updated_at DESC LIMIT 5`,
      [user.unitId],
    );
    const kind = user.unitKind === 'district' ? 'district' : 'major_project';
    const report = user.unitKind === 'office' ? undefined : await this.reports.latest(kind);
    const standings = report
      ? await this.dataSource.query<
          { subject_name: string; rank: number; total: string; position: number }[]
        >(
          `SELECT rr.subject_name, rr.rank, rr.total, rr.position
             FROM report_rows rr LEFT JOIN major_projects p ON p.id = rr.project_id
            WHERE rr.report_id = $1 AND (rr.unit_id = $2 OR p.responsible_unit_id = $2)
            ORDER BY rr.rank`,
          [report.id, user.unitId],
        )
      : [];
    return {
      ...counts,
      dueFilings: await this.progress.homeSummary(user),
      returnedItems: returned.map((item) => ({
        ...item,
        href: this.registry.get(item.record_type).link(item.id),
        typeLabel: this.registry.get(item.record_type).label,
      })),
      report: report
        ? {
            id: report.id,
            periodLabel: periodLabel(report.kind, report.period),
            subjectCount: report.subject_count,
            // Totals to 2 decimals from the exact value, as every ranking shows them.
            standings: standings.map(({ total, ...standing }) => ({
              ...standing,
              total_display: storedFraction(total).toFixed(2),
            })),
          }
        : undefined,
    };
  }

  async dashboard(user: AuthUser) {
    // The navigation's sections, each with the links this user has and what each page is for.
    const shortcuts = NAVIGATION.map((section) => ({
      label: section.label,
      items: section.items
        .filter(
          (item) =>
            item.href !== '/' &&
            item.roles.some((role) => user.roles.includes(role)) &&
            (item.when?.(user) ?? true),
        )
        .map((item) => ({ label: item.label, href: item.href, description: item.description })),
    })).filter((section) => section.items.length > 0);
    return {
      title: '首页',
      greetingName: user.name,
      unitName: user.unitName,
      roleLabels: user.roles.map((role) => ROLE_LABELS[role]),
      shortcuts,
      figures:
        user.roles.includes('entry') || user.roles.includes('reviewer')
          ? await this.unitFigures(user)
          : undefined,
    };
  }

  async unitMembers(user: AuthUser, unitId: number) {
    requireUnitReadable(user, unitId);
    const units: { name: string }[] = await this.dataSource.query(
      `SELECT name FROM units WHERE id = $1`,
      [unitId],
    );
    if (!units[0]) {
      throw new NotFoundException();
    }
    const members: { name: string; roles: RoleCode[]; active: boolean }[] =
      await this.dataSource.query(
        `SELECT name, roles, active FROM users WHERE unit_id = $1 ORDER BY active DESC, name`,
        [unitId],
      );
    return {
      title: `${units[0].name}人员`,
      unitName: units[0].name,
      members: members.map((member) => ({
        name: member.name,
        roleLabels: member.roles.map((role) => ROLE_LABELS[role]).join('、'),
        active: member.active,
      })),
    };
  }
}
