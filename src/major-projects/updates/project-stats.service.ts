import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { chinaDate } from '../../common/time/china-time.js';
import { Clock } from '../../common/time/clock.js';
import type { Fraction } from '../../scoring/calculation/fraction.js';
import type { ProjectStatus } from '../project-labels.js';
import {
  annualTargetValues,
  endedMonths,
  meanAnnualRatio,
  monthlyTargetCompletion,
  onTimePlanCompletion,
  progressAsOf,
  type AnnualValue,
  type IndicatorTargets,
  type MonthlyActual,
  type PlanCompletion,
  type PlanFacts,
} from './project-progress.js';

/**
 * One project's progress over approved data up to a date, for the major-project index and report.
 * Counts are returned as they are; rates with nothing due are the caller's decision
 * (`completionRate` in project-progress.ts reads 0/0 as 100%).
 */
export interface ProjectStats {
  projectId: string;
  name: string;
  status: ProjectStatus;
  responsibleUnitId: number;
  responsibleUnit: string;
  planYear: number;
  /** The issued version whose indicators and plans were used (the one in force now). */
  version: number;
  /** The date the figures are measured at: the date asked for, or today when that is earlier. */
  asOf: string;
  /** Months of the plan year ended on or before asOf (0–12). */
  endedMonths: number;
  /** 核心指标月度目标完成率: (indicator, month) pairs met / due. */
  monthlyTargets: { met: number; due: number };
  /** 年度目标完成率 per indicator: the year's value to date and the annual target, exact text. */
  annualTargets: (AnnualValue & { name: string })[];
  /** The mean of min(value / target, 1) over the indicators, exact (1 with no indicator). */
  annualRate: Fraction;
  /** 月度计划按期完成率: plans completed by the end of their month / plans due. */
  plans: { onTime: number; due: number };
  /** 复制推广次数: approved promotions dated from 1 January of the plan year to asOf. */
  promotions: number;
  /** Approved brand items dated from 1 January of the plan year to asOf, by kind. */
  brand: { national: number; centralMedia: number };
}

interface IndicatorRow {
  content_id: string;
  indicator_key: string;
  name: string;
  cumulative: boolean;
  annual_target: string;
  monthly_targets: string[];
}

interface ProjectBase {
  id: string;
  name: string;
  status: ProjectStatus;
  responsible_unit_id: number;
  unit_name: string;
  plan_year: number;
  content_id: string;
  version: number;
}

function groupBy<T, K>(rows: readonly T[], key: (row: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const row of rows) {
    const group = groups.get(key(row));
    if (group) {
      group.push(row);
    } else {
      groups.set(key(row), [row]);
    }
  }
  return groups;
}

/**
 * Per project ($1), `counts` over the current approved records of a dated update table whose
 * `date` falls in the project's plan year up to $2.
 */
function approvedInPlanYear(table: string, date: string, counts: string): string {
  return `SELECT x.project_id, ${counts}
           FROM ${table} x
           JOIN workflow_items wi ON wi.id = x.id AND wi.is_current_approved
           JOIN major_projects p ON p.id = x.project_id
          WHERE x.project_id = ANY($1::uuid[]) AND x.${date} BETWEEN make_date(p.plan_year, 1, 1) AND $2::date
          GROUP BY x.project_id`;
}

/**
 * The progress figures of issued projects as of a date (seed 000's major-project index: 目标达成度,
 * 计划推进度, 经验推广度, 品牌显示度), computed over current approved revisions only
 * (`workflow_items.is_current_approved`) with the version in force's indicators and plans. One
 * query per kind of data over all projects, so a report over a hundred projects costs seven
 * queries. Approval time is not filtered: a record approved after `asOf` about a month or date up
 * to `asOf` counts (reports freeze their own snapshot when generated).
 */
@Injectable()
export class ProjectStatsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Every project with an issued version, by name. */
  async statsForProjects(asOf: string): Promise<ProjectStats[]> {
    return this.compute(asOf, null);
  }

  /** One project; undefined when it does not exist or has no issued version yet. */
  async statsForProject(projectId: string, asOf: string): Promise<ProjectStats | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(projectId)) {
      return undefined;
    }
    return (await this.compute(asOf, projectId))[0];
  }

  /**
   * A date after today is measured at today (progressAsOf): a month that has not ended is never
   * due, whoever asks — the report of a period still running, the cockpit, the project page.
   */
  private async compute(askedAsOf: string, projectId: string | null): Promise<ProjectStats[]> {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(askedAsOf)) {
      throw new Error(`asOf must be YYYY-MM-DD, got ${askedAsOf}`);
    }
    const asOf = progressAsOf(askedAsOf, chinaDate(this.clock.now()));
    const projects = await this.dataSource.query<ProjectBase[]>(
      `SELECT p.id, p.name, p.status, p.responsible_unit_id, u.name AS unit_name, p.plan_year, v.id AS content_id, v.version
         FROM major_projects p
         JOIN units u ON u.id = p.responsible_unit_id
         JOIN LATERAL (SELECT mv.id, mv.version FROM map_versions mv WHERE mv.project_id = p.id ORDER BY mv.version DESC LIMIT 1) v ON true
        WHERE $1::uuid IS NULL OR p.id = $1::uuid
        ORDER BY p.name, p.id`,
      [projectId],
    );
    if (projects.length === 0) {
      return [];
    }
    const ids = projects.map((project) => project.id);
    const contentIds = projects.map((project) => project.content_id);
    const [indicators, actuals, plans, completions, promotions, brands] = await Promise.all([
      this.dataSource.query<IndicatorRow[]>(
        `SELECT content_id, indicator_key, name, cumulative, annual_target::text, monthly_targets::text[] AS monthly_targets
           FROM map_indicators WHERE content_id = ANY($1::uuid[]) ORDER BY content_id, position`,
        [contentIds],
      ),
      this.dataSource.query<
        { project_id: string; month: number; indicator_key: string; actual: string }[]
      >(
        `SELECT r.project_id, substr(r.report_month, 6, 2)::int AS month, v.indicator_key, v.actual::text
           FROM indicator_reports r
           JOIN workflow_items wi ON wi.id = r.id AND wi.is_current_approved
           JOIN major_projects p ON p.id = r.project_id
           JOIN indicator_report_values v ON v.report_id = r.id
          WHERE r.project_id = ANY($1::uuid[]) AND substr(r.report_month, 1, 4)::int = p.plan_year`,
        [ids],
      ),
      this.dataSource.query<{ content_id: string; plan_key: string; plan_month: string }[]>(
        `SELECT content_id, plan_key, plan_month FROM map_plans WHERE content_id = ANY($1::uuid[])`,
        [contentIds],
      ),
      this.dataSource.query<{ project_id: string; plan_key: string; completed_on: string }[]>(
        `SELECT pu.project_id, pu.plan_key,
                to_char(min(pu.first_submitted_at) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS completed_on
           FROM plan_updates pu JOIN workflow_items wi ON wi.id = pu.id AND wi.is_current_approved
          WHERE pu.project_id = ANY($1::uuid[]) AND pu.status = 'completed' AND pu.first_submitted_at IS NOT NULL
          GROUP BY pu.project_id, pu.plan_key`,
        [ids],
      ),
      this.dataSource.query<{ project_id: string; count: number }[]>(
        approvedInPlanYear('project_promotions', 'promoted_on', 'count(*)::int AS count'),
        [ids, asOf],
      ),
      this.dataSource.query<{ project_id: string; national: number; central_media: number }[]>(
        approvedInPlanYear(
          'project_brand_items',
          'happened_on',
          `count(*) FILTER (WHERE x.kind = 'national')::int AS national,
           count(*) FILTER (WHERE x.kind = 'central_media')::int AS central_media`,
        ),
        [ids, asOf],
      ),
    ]);
    const indicatorsByContent = groupBy(indicators, (row) => row.content_id);
    const actualsByProject = groupBy(actuals, (row) => row.project_id);
    const plansByContent = groupBy(plans, (row) => row.content_id);
    const completionsByProject = groupBy(completions, (row) => row.project_id);
    const promotionCounts = new Map(promotions.map((row) => [row.project_id, row.count]));
    const brandCounts = new Map(brands.map((row) => [row.project_id, row]));

    return projects.map((project) => {
      const months = endedMonths(project.plan_year, asOf);
      const projectIndicators = indicatorsByContent.get(project.content_id) ?? [];
      const targets: IndicatorTargets[] = projectIndicators.map((indicator) => ({
        key: indicator.indicator_key,
        cumulative: indicator.cumulative,
        annualTarget: indicator.annual_target,
        monthlyTargets: indicator.monthly_targets,
      }));
      const monthlyActuals: MonthlyActual[] = (actualsByProject.get(project.id) ?? []).map(
        (row) => ({ indicatorKey: row.indicator_key, month: row.month, actual: row.actual }),
      );
      const annual = annualTargetValues(targets, monthlyActuals, months).map((value, index) => ({
        ...value,
        name: projectIndicators[index].name,
      }));
      const planFacts: PlanFacts[] = (plansByContent.get(project.content_id) ?? []).map((plan) => ({
        planKey: plan.plan_key,
        planMonth: plan.plan_month,
      }));
      const planCompletions: PlanCompletion[] = (completionsByProject.get(project.id) ?? []).map(
        (row) => ({ planKey: row.plan_key, completedOn: row.completed_on }),
      );
      const brand = brandCounts.get(project.id);
      return {
        projectId: project.id,
        name: project.name,
        status: project.status,
        responsibleUnitId: project.responsible_unit_id,
        responsibleUnit: project.unit_name,
        planYear: project.plan_year,
        version: project.version,
        asOf,
        endedMonths: months,
        monthlyTargets: monthlyTargetCompletion(targets, monthlyActuals, months),
        annualTargets: annual,
        annualRate: meanAnnualRatio(annual),
        plans: onTimePlanCompletion(planFacts, planCompletions, asOf),
        promotions: promotionCounts.get(project.id) ?? 0,
        brand: { national: brand?.national ?? 0, centralMedia: brand?.central_media ?? 0 },
      };
    });
  }
}
