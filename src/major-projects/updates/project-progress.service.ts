import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../auth/auth-context.js';
import { chinaDate } from '../../common/time/china-time.js';
import { Clock } from '../../common/time/clock.js';
import { keyToToken } from '../battle-map.service.js';
import { readMapContent } from '../map-content.js';
import { PLAN_STATUS_LABELS } from '../project-labels.js';
import type { ProjectRow } from '../projects.service.js';
import { BrandItemsService } from './brand-items.service.js';
import { formatAmount, IndicatorReportsService } from './indicator-reports.service.js';
import { PlanUpdatesService } from './plan-updates.service.js';
import {
  fromCents,
  monthIncrements,
  monthMet,
  targetsToDate,
  toCents,
} from './project-progress.js';
import { ProjectStatsService } from './project-stats.service.js';
import { PromotionsService } from './promotions.service.js';
import { Fraction } from '../../scoring/calculation/fraction.js';
import { isResponsibleClerk } from './update-access.js';

/** A block of the project page: a partial under views/ and the one object it takes. */
export interface ProgressSection {
  partial: string;
  data: Record<string, unknown>;
}

const MONTH_LABELS = Array.from({ length: 12 }, (_unused, index) => `${index + 1}月`);

/** Decimal text as a chart number (the chart only draws; the table beside it shows exact text). */
const chartNumber = (cents: bigint) => Number(fromCents(cents));

/**
 * The project page's sections filled by the monthly updates (approved data only): indicator
 * progress against the monthly targets (chart and table), the plans by month with their latest
 * approved status, approved promotions and brand items, and the clerk's buttons to file updates.
 */
@Injectable()
export class ProjectProgressService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly reports: IndicatorReportsService,
    private readonly planUpdates: PlanUpdatesService,
    private readonly promotions: PromotionsService,
    private readonly brands: BrandItemsService,
    private readonly stats: ProjectStatsService,
    private readonly clock: Clock,
  ) {}

  /**
   * Sections for `views/major-projects/show.hbs` (render each with
   * `{{> (lookup this "partial") data}}`); none before the battle map is issued.
   */
  async pageSections(project: ProjectRow, user: AuthUser): Promise<ProgressSection[]> {
    if (project.current_content_id === null) {
      return [];
    }
    const clerk = isResponsibleClerk(project, user);
    const [summary, indicatorProgress, plansStatus, promotions, brandItems] = await Promise.all([
      this.summary(project),
      this.indicatorProgress(project),
      this.plansStatus(project, clerk),
      this.promotions.approvedForProject(project.id),
      this.brands.approvedForProject(project.id),
    ]);
    const sections: ProgressSection[] = [];
    if (clerk) {
      sections.push({
        partial: 'major-projects/updates/_update-actions',
        data: await this.updateActions(project),
      });
    }
    sections.push(
      {
        partial: 'major-projects/updates/_indicator-progress',
        data: { ...indicatorProgress, summary },
      },
      { partial: 'major-projects/updates/_plans-status', data: plansStatus },
      {
        partial: 'major-projects/updates/_promotions',
        data: {
          projectId: project.id,
          items: promotions,
          newHref: clerk ? `/major-projects/${project.id}/promotions/new` : undefined,
          ledgerHref: `/major-projects/ledgers/promotions?project=${project.id}`,
        },
      },
      {
        partial: 'major-projects/updates/_brand-items',
        data: {
          projectId: project.id,
          items: brandItems,
          newHref: clerk ? `/major-projects/${project.id}/brand-items/new` : undefined,
          ledgerHref: `/major-projects/ledgers/brand-items?project=${project.id}`,
        },
      },
    );
    return sections;
  }

  /**
   * The figures the cockpit shows for the project, computed the same way (ProjectStatsService as
   * of today): months and plans that have not ended are not due.
   */
  private async summary(project: ProjectRow) {
    const today = chinaDate(this.clock.now());
    const stats = await this.stats.statsForProject(project.id, today);
    const rate = (done: number, due: number) =>
      due === 0
        ? '无应完成事项'
        : `${done} / ${due}（${Fraction.of(done * 100, due).toFixed(1)}%）`;
    return {
      asOf: stats?.asOf ?? today,
      monthly: stats ? rate(stats.monthlyTargets.met, stats.monthlyTargets.due) : undefined,
      plans: stats ? rate(stats.plans.onTime, stats.plans.due) : undefined,
    };
  }

  /** 更新本月进度 opens this month's report when there is one, otherwise a new one. */
  private async updateActions(project: ProjectRow) {
    const today = chinaDate(this.clock.now()).slice(0, 7);
    const month = this.reports.defaultMonth(project);
    const existing = await this.reports.reportOfMonth(project.id, month);
    return {
      projectId: project.id,
      month,
      inYear: today.startsWith(String(project.plan_year)),
      reportHref: existing
        ? `/major-projects/indicator-reports/${existing}`
        : `/major-projects/${project.id}/indicator-reports/new?month=${month}`,
      promotionHref: `/major-projects/${project.id}/promotions/new`,
      brandHref: `/major-projects/${project.id}/brand-items/new`,
      plansHref: '#plans-status',
    };
  }

  /**
   * Per indicator of the version in force, month by month: the target increment, the target to
   * date and the approved actual; the chart compares target to date with actual to date
   * (cumulative indicators report the value to date, periodic ones are added up).
   */
  private async indicatorProgress(project: ProjectRow) {
    const content = await readMapContent(this.dataSource.manager, project.current_content_id!);
    const actuals = await this.reports.approvedActuals(project);
    const indicators = content.indicators.map((indicator) => {
      const reported = new Map(
        actuals
          .filter((actual) => actual.indicator_key === indicator.indicator_key)
          .map((actual) => [actual.month, actual]),
      );
      const lastReported = Math.max(0, ...reported.keys());
      const targets = {
        cumulative: indicator.cumulative,
        monthlyTargets: indicator.monthly_targets,
      };
      const toDate = targetsToDate(targets);
      const increments = monthIncrements(targets);
      let runningActual = 0n;
      const rows = indicator.monthly_targets.map((_target, index) => {
        const month = index + 1;
        const actual = reported.get(month);
        const actualCents = actual ? toCents(actual.actual) : undefined;
        if (actualCents !== undefined && !indicator.cumulative) {
          runningActual += actualCents;
        }
        const actualToDate = indicator.cumulative
          ? actualCents
          : month <= lastReported
            ? runningActual
            : undefined;
        const met = monthMet(targets, month, actualCents);
        return {
          month: `${project.plan_year}-${String(month).padStart(2, '0')}`,
          label: MONTH_LABELS[index],
          monthlyTarget: formatAmount(fromCents(increments[index])),
          targetToDate: formatAmount(fromCents(toDate[index])),
          actual: actual ? formatAmount(actual.actual) : '',
          actualToDate: actualToDate === undefined ? '' : formatAmount(fromCents(actualToDate)),
          reportHref: actual ? `/major-projects/indicator-reports/${actual.report_id}` : undefined,
          // Only a reported month says done or not (a month to come is never 未完成).
          met: actualCents === undefined ? null : met,
          chartTarget: chartNumber(toDate[index]),
          chartActual: actualToDate === undefined ? null : chartNumber(actualToDate),
        };
      });
      const token = keyToToken(indicator.indicator_key);
      return {
        key: indicator.indicator_key,
        name: indicator.name,
        unit: indicator.unit_of_measure,
        cumulative: indicator.cumulative,
        kindLabel: indicator.cumulative ? '累计值' : '当月值',
        annual: formatAmount(indicator.annual_target),
        chartId: `indicator-chart-${token}`,
        dataId: `indicator-chart-data-${token}`,
        chart: {
          labels: MONTH_LABELS,
          unit: indicator.unit_of_measure,
          series: [
            { label: '累计目标', values: rows.map((row) => row.chartTarget) },
            { label: '累计完成', values: rows.map((row) => row.chartActual) },
          ],
        },
        rows,
      };
    });
    return {
      projectId: project.id,
      planYear: project.plan_year,
      indicators,
      ledgerHref: `/major-projects/ledgers/indicators?project=${project.id}`,
    };
  }

  /** The plans of the version in force by month, each with its latest approved status. */
  private async plansStatus(project: ProjectRow, clerk: boolean) {
    const content = await readMapContent(this.dataSource.manager, project.current_content_id!);
    const statuses = await this.planUpdates.latestApprovedStatuses(project.id);
    const measureNumbers = new Map(
      content.measures.map((measure, index) => [measure.measure_key, index + 1]),
    );
    const groups: { month: string; plans: Record<string, unknown>[] }[] = [];
    for (const plan of content.plans) {
      let group = groups.find((candidate) => candidate.month === plan.plan_month);
      if (!group) {
        group = { month: plan.plan_month, plans: [] };
        groups.push(group);
      }
      const latest = statuses.get(plan.plan_key);
      group.plans.push({
        planKey: plan.plan_key,
        type: plan.plan_type,
        content: plan.content,
        measureNumber: measureNumbers.get(plan.measure_key),
        status: latest?.status,
        statusLabel: latest ? PLAN_STATUS_LABELS[latest.status] : undefined,
        updateHref: latest ? `/major-projects/plan-updates/${latest.id}` : undefined,
        fileHref: clerk
          ? `/major-projects/${project.id}/plans/${plan.plan_key}/updates/new`
          : undefined,
      });
    }
    groups.sort((a, b) => a.month.localeCompare(b.month));
    return {
      projectId: project.id,
      groups,
      canFile: clerk,
      ledgerHref: `/major-projects/ledgers/plan-updates?project=${project.id}`,
    };
  }
}
