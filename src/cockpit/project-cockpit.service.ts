import { Injectable } from '@nestjs/common';
import { chinaDate } from '../common/time/china-time.js';
import { Clock } from '../common/time/clock.js';
import { formatDateTime } from '../common/views/handlebars-engine.js';
import { PLAN_STATUS_LABELS } from '../major-projects/project-labels.js';
import { ProjectSatisfactionService } from '../major-projects/satisfaction/project-satisfaction.service.js';
import { PlanUpdatesService } from '../major-projects/updates/plan-updates.service.js';
import { ProjectStatsService } from '../major-projects/updates/project-stats.service.js';
import { bandsUndivided } from '../scoring/calculation/bands.js';
import { Fraction } from '../scoring/calculation/fraction.js';
import { bandView } from '../scoring/reports/ranking-view.js';
import { ReportsService, storedFraction } from '../scoring/reports/reports.service.js';
import { bandChart } from './band-charts.js';
import { chooseReport, reportChoice } from './district-cockpit.service.js';

const percent = (value: Fraction) => `${value.mul(Fraction.of(100)).toFixed(1)}%`;
/** A completion rate as the card shows it; with nothing due yet (0/0) it says so instead of 100%. */
const rate = (done: number, due: number) =>
  due === 0 ? '无应完成事项' : percent(Fraction.of(done, due));

/**
 * 重大项目驾驶舱: the index ranking of the chosen two-month report, and per project a card with
 * its live approved progress (indicators against target, plans, promotions, brand items).
 */
@Injectable()
export class ProjectCockpitService {
  constructor(
    private readonly reports: ReportsService,
    private readonly stats: ProjectStatsService,
    private readonly planUpdates: PlanUpdatesService,
    private readonly satisfaction: ProjectSatisfactionService,
    private readonly clock: Clock,
  ) {}

  /** The cards are live: computed on every view from approved data at that moment. */
  async page(reportId?: string) {
    const viewedAt = this.clock.now();
    const today = chinaDate(viewedAt);
    const { report, all } = await chooseReport(this.reports, 'major_project', reportId);
    const rows = report ? await this.reports.rows(report.id, { evidence: false }) : [];
    const stats = await this.stats.statsForProjects(today);
    // The year's project satisfaction (display only, not in the index): the latest surveyed year.
    const satisfactionYear = await this.satisfaction.latestSurveyYear();
    const satisfaction = satisfactionYear
      ? await this.satisfaction.scoresOfYear(satisfactionYear)
      : new Map<string, string>();
    const latestUpdates = await this.planUpdates.latestApprovedByProject(3);
    const byProject = new Map(rows.map((row) => [row.project_id, row]));
    const undivided =
      report !== undefined &&
      bandsUndivided(
        rows.map((row) => storedFraction(row.total)),
        report.band_config,
      );
    const cards = stats
      .map((project) => {
        const row = byProject.get(project.projectId);
        return {
          projectId: project.projectId,
          name: project.name,
          unit: project.responsibleUnit,
          version: project.version,
          rank: row?.rank,
          total: row ? storedFraction(row.total).toFixed(2) : undefined,
          band: row && report ? bandView(report.band_config, row.band, undivided) : undefined,
          monthly: `${project.monthlyTargets.met} / ${project.monthlyTargets.due}`,
          monthlyRate: rate(project.monthlyTargets.met, project.monthlyTargets.due),
          annualRate: percent(project.annualRate),
          indicators: project.annualTargets.map((target) => ({
            name: target.name,
            value: target.value,
            target: target.target,
            ratio: percent(
              Fraction.parse(target.target).isZero() || Fraction.parse(target.target).isNegative()
                ? Fraction.ONE
                : Fraction.parse(target.value).div(Fraction.parse(target.target)),
            ),
          })),
          plans: `${project.plans.onTime} / ${project.plans.due}`,
          planRate: rate(project.plans.onTime, project.plans.due),
          promotions: project.promotions,
          national: project.brand.national,
          centralMedia: project.brand.centralMedia,
          satisfaction: satisfaction.get(project.projectId),
          planUpdates: (latestUpdates.get(project.projectId) ?? []).map((update) => ({
            ...update,
            statusLabel: PLAN_STATUS_LABELS[update.status],
          })),
        };
      })
      .sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9) || a.name.localeCompare(b.name, 'zh-CN'));
    return {
      title: '重大改革项目驾驶舱',
      charts: true,
      today,
      satisfactionYear,
      panelsAsOf: formatDateTime(viewedAt),
      panelsCached: false,
      ...reportChoice(report, all, false),
      index: report
        ? bandChart(
            'index-projects',
            '重大改革项目综合指数',
            rows.map((row) => ({
              key: row.project_id ?? '',
              name: row.subject_name,
              score: storedFraction(row.total),
              href: `/major-projects/${row.project_id}`,
              highlight: false,
            })),
            report.band_config,
            { total: true, subjects: '项目' },
          )
        : undefined,
      cards,
    };
  }
}
