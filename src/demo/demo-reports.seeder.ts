import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { chinaDate } from '../common/time/china-time.js';
import { Clock } from '../common/time/clock.js';
import { ProjectsService } from '../major-projects/projects.service.js';
import { IndicatorReportsService } from '../major-projects/updates/indicator-reports.service.js';
import type { IssuedProjectRow } from '../major-projects/updates/update-access.js';
import { monthIncrements, targetsToDate } from '../major-projects/updates/project-progress.js';
import { readMapContent } from '../major-projects/map-content.js';
import { recentPeriods } from '../scoring/reports/report-periods.js';
import { ReportsService } from '../scoring/reports/reports.service.js';
import { WorkflowService } from '../workflow/workflow.service.js';
import { demoUser } from './demo-users.js';

/** Demo clerks and reviewers of the departments with issued demo projects. */
const PEOPLE: Record<string, { clerk: string; reviewer: string }> = {
  市大数据发展局: { clerk: '19900000021', reviewer: '19900000022' },
  市发展改革委: { clerk: '19900000011', reviewer: '19900000012' },
  市科技局: { clerk: '19900000019', reviewer: '19900000020' },
};
const OFFICE = '19900000031';

/**
 * Demo progress and reports, so the cockpits have something to show on a fresh start: the issued
 * demo projects report their indicator values month by month (some ahead of target, some behind),
 * then the office generates the district report of the latest quarter with approved satisfaction
 * scores and the major-project report of the last two months that have ended. Runs once: only when
 * no report exists yet.
 */
@Injectable()
export class DemoReportsSeeder {
  constructor(
    private readonly dataSource: DataSource,
    private readonly projects: ProjectsService,
    private readonly indicatorReports: IndicatorReportsService,
    private readonly workflow: WorkflowService,
    private readonly reports: ReportsService,
    private readonly clock: Clock,
  ) {}

  async seed(): Promise<boolean> {
    const [existing] = await this.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM reports`,
    );
    if (existing.n > 0) {
      return false;
    }
    const office = await demoUser(this.dataSource, OFFICE);
    await this.seedProgress(office);
    const [quarter] = await this.dataSource.query<{ quarter: string }[]>(
      `SELECT r.quarter FROM satisfaction_returns r JOIN workflow_items wi ON wi.id = r.id AND wi.is_current_approved
        ORDER BY r.quarter DESC LIMIT 1`,
    );
    if (quarter) {
      await this.reports.generate('district', quarter.quarter, office);
    }
    const today = chinaDate(this.clock.now());
    // The last two-month period that has ended.
    const period = recentPeriods('major_project', today, 2).find(
      (candidate) => candidate.end < today,
    );
    if (period) {
      await this.reports.generate('major_project', period.code, office).catch(() => undefined);
    }
    return true;
  }

  private async seedProgress(office: Awaited<ReturnType<typeof demoUser>>): Promise<void> {
    const today = chinaDate(this.clock.now());
    const issued = await this.dataSource.query<{ id: string; unit: string }[]>(
      `SELECT p.id, u.name AS unit FROM major_projects p JOIN units u ON u.id = p.responsible_unit_id
        WHERE EXISTS (SELECT 1 FROM map_versions v WHERE v.project_id = p.id) ORDER BY p.created_at`,
    );
    for (const [index, row] of issued.entries()) {
      const people = PEOPLE[row.unit];
      if (!people) {
        continue;
      }
      const clerk = await demoUser(this.dataSource, people.clerk);
      const reviewer = await demoUser(this.dataSource, people.reviewer);
      const project = (await this.projects.find(row.id, clerk)) as IssuedProjectRow;
      const content = await readMapContent(this.dataSource.manager, project.current_content_id);
      // Projects differ in pace: 110%, 100%, 90%, 75% of the monthly targets.
      const pace = [110n, 100n, 90n, 75n][index % 4];
      for (let month = 1; month <= 12; month += 1) {
        const monthCode = `${project.plan_year}-${String(month).padStart(2, '0')}`;
        if (`${monthCode}-28` > today) {
          break;
        }
        const actuals: Record<string, string> = {};
        for (const indicator of content.indicators) {
          const targets = {
            cumulative: indicator.cumulative,
            monthlyTargets: indicator.monthly_targets,
          };
          const amount =
            ((indicator.cumulative
              ? targetsToDate(targets)[month - 1]
              : monthIncrements(targets)[month - 1]) *
              pace) /
            100n;
          actuals[indicator.indicator_key] =
            `${amount / 100n}.${String(amount % 100n).padStart(2, '0')}`;
        }
        const id = await this.indicatorReports.create(
          project,
          { month: monthCode, actuals, submit: true },
          clerk,
        );
        await this.workflow.transition(id, { action: 'pass' }, reviewer);
        await this.workflow.transition(id, { action: 'confirm' }, office);
      }
    }
  }
}
