import { Injectable, NotFoundException } from '@nestjs/common';
import { AssignmentStatsService } from '../assignments/assignment-stats.service.js';
import type { AuthUser } from '../auth/auth-context.js';
import { chinaDate } from '../common/time/china-time.js';
import { Clock } from '../common/time/clock.js';
import { TtlCache } from '../common/time/ttl-cache.js';
import { formatDateTime } from '../common/views/handlebars-engine.js';
import { MeetingsService } from '../meetings/meetings.service.js';
import { PilotStreamsService } from '../pilots/pilot-streams.service.js';
import { RiskService } from '../risk/risk.service.js';
import { SatisfactionService } from '../satisfaction/satisfaction.service.js';
import { Fraction } from '../scoring/calculation/fraction.js';
import { periodLabel as labelOfPeriod, quarterLabel } from '../scoring/reports/report-periods.js';
import { NOTHING_DUE_RAW, rawDisplay, bandView } from '../scoring/reports/ranking-view.js';
import {
  ReportsService,
  storedFraction,
  type ReportRow,
  type ReportSubjectRow,
  type ReportSummary,
} from '../scoring/reports/reports.service.js';
import { ShowcaseService } from '../showcase/showcase.service.js';
import { bandChart } from './band-charts.js';
import { rankBy } from './competition-ranks.js';

/** How long the cockpit's live panels are reused. */
const PANELS_TTL_MS = 60_000;
const INDEX_CHARTS_TTL_MS = 10 * 60_000;

type PanelData = [
  Awaited<ReturnType<PilotStreamsService['countsByDistrict']>>,
  Awaited<ReturnType<ShowcaseService['brandCountsByDistrict']>>,
  Awaited<ReturnType<AssignmentStatsService['problemSolving']>>,
  Awaited<ReturnType<AssignmentStatsService['demandHeat']>>,
  Awaited<ReturnType<SatisfactionService['cityTrend']>>,
  Awaited<ReturnType<RiskService['approvedEvents']>>,
  Awaited<ReturnType<PilotStreamsService['filingsLedger']>>,
];

/** How often the wall screen reloads its figures (the live panels are cached for a minute). */
const WALL_REFRESH_SECONDS = 300;

/** How many of the year's risk events the cockpit lists (the newest). */
const RECENT_RISK_EVENTS = 20;

/** Which generated report a cockpit shows: the one asked for, else the latest. */
export async function chooseReport(
  reports: ReportsService,
  kind: 'district' | 'major_project',
  reportId: string | undefined,
): Promise<{ report: ReportRow | undefined; all: ReportSummary[] }> {
  const all = await reports.summaries(kind, 40);
  const chosen = reportId ? all.find((report) => report.id === reportId) : all[0];
  if (reportId && !chosen) {
    throw new NotFoundException();
  }
  return { report: chosen ? await reports.find(chosen.id) : undefined, all };
}

/** How a report's period reads: 2026年第三季度, 2026年10月. */
export function periodLabel(report: ReportSummary): string {
  return labelOfPeriod(report.kind, report.period);
}

export function reportBanner(report: ReportRow) {
  return {
    periodLabel: periodLabel(report),
    generatedAt: report.generated_at,
    generatedBy: report.generated_by_name,
    asOf: report.as_of,
    systemVersion: report.system_version,
    systemName: report.system_definition.name,
  };
}

/**
 * The report a cockpit shows, with its banner, and the reports it may switch to (`versioned`: an
 * option names the version of the indicator system too).
 */
export function reportChoice(
  report: ReportRow | undefined,
  all: ReportSummary[],
  versioned: boolean,
) {
  return {
    report: report ? { ...report, banner: reportBanner(report) } : undefined,
    reportOptions: all.map((candidate) => ({
      id: candidate.id,
      label: `${periodLabel(candidate)}（${chinaDate(candidate.generated_at)} 生成${versioned ? `，第 ${candidate.system_version} 版指标` : ''}）`,
      selected: candidate.id === report?.id,
    })),
  };
}

/**
 * 区县驾驶舱: the latest (or chosen) generated district report for the indices and live approved
 * data for the panels. A district leader sees the whole city with their district highlighted.
 */
@Injectable()
export class DistrictCockpitService {
  constructor(
    private readonly reports: ReportsService,
    private readonly pilots: PilotStreamsService,
    private readonly showcase: ShowcaseService,
    private readonly assignments: AssignmentStatsService,
    private readonly satisfaction: SatisfactionService,
    private readonly risk: RiskService,
    private readonly clock: Clock,
    private readonly meetings: MeetingsService,
  ) {}

  /**
   * The panels aggregate the whole city's approved records (tens of milliseconds of SQL at 100k
   * records): computed at most once a minute per day and unit (the latest achievements a unit may
   * see depend on it), not on every view, and each computation keeps the time it was made, which
   * the page shows ("截至 HH:MM"): a panel is never said to be fresher than it is. The indices
   * come from the frozen report.
   */
  private readonly panels = new TtlCache<
    ReturnType<DistrictCockpitService['panelsView']> & { computedAt: Date }
  >(PANELS_TTL_MS, 100, () => this.clock.now().getTime());

  /**
   * The index charts of a report, per highlighted district. A generated report never changes (a
   * trigger refuses it), so reuse is always right; the time limit only bounds the memory.
   */
  private readonly indexChartsCache = new TtlCache<ReturnType<typeof bandChart>[]>(
    INDEX_CHARTS_TTL_MS,
    200,
  );

  private ownDistrict(user: AuthUser): number | undefined {
    return user.unitKind === 'district' ? user.unitId : undefined;
  }

  async page(user: AuthUser, reportId?: string) {
    const today = chinaDate(this.clock.now());
    const own = this.ownDistrict(user);
    const { report, all } = await chooseReport(this.reports, 'district', reportId);
    const { computedAt, ...panels } = await this.panels.get(
      `${today}:${user.unitId}`,
      async () => ({
        computedAt: this.clock.now(),
        ...this.panelsView(
          await Promise.all([
            this.pilots.countsByDistrict(today),
            this.showcase.brandCountsByDistrict(today, `${today.slice(0, 4)}-01-01`),
            this.assignments.problemSolving(),
            this.assignments.demandHeat(),
            this.satisfaction.cityTrend(),
            this.risk.approvedEvents('district', `${today.slice(0, 4)}-01-01`, today),
            this.pilots.filingsLedger('achievement', user, { page: 1 }, 5),
          ]),
          own,
          today,
        ),
      }),
    );
    return {
      title: '区县改革驾驶舱',
      charts: true,
      today,
      panelsAsOf: formatDateTime(computedAt),
      panelsCached: true,
      ...reportChoice(report, all, true),
      indices: report
        ? await this.indexChartsCache.get(`${report.id}:${own ?? ''}`, async () =>
            this.indexCharts(report, await this.reports.rows(report.id, { evidence: false }), own),
          )
        : [],
      ...panels,
      decisions: await this.decisionPanel(own),
    };
  }

  /** 议定事项落实: per unit, the 议定事项 tasks assigned, fed back on time, overdue and 已销号. */
  private async decisionPanel(own: number | undefined) {
    const rows = await this.meetings.implementationByUnit();
    return {
      assigned: sum(rows, (row) => row.assigned),
      onTime: sum(rows, (row) => row.onTime),
      overdue: sum(rows, (row) => row.overdue),
      closed: sum(rows, (row) => row.closed),
      rows: rows.map((row) => ({ ...row, highlight: row.unitId === own })),
    };
  }

  /**
   * 大屏: the same figures for the office's wall screen — no menu, the total index and the key
   * figures on one 1920×1080 screen, reloaded every few minutes.
   */
  async wall(user: AuthUser) {
    const page = await this.page(user);
    return {
      ...page,
      title: '区县改革驾驶舱·大屏',
      nav: [],
      screenMode: 'wall',
      refreshSeconds: WALL_REFRESH_SECONDS,
      refreshMinutes: WALL_REFRESH_SECONDS / 60,
      now: this.clock.now(),
      brandTop: page.brandBoard.slice(0, 5),
    };
  }

  /** The live panels as the page shows them, from the city-wide aggregates. */
  private panelsView(
    [pilotCounts, brand, problems, heat, trend, events, achievements]: PanelData,
    own: number | undefined,
    today: string,
  ) {
    const unitName = new Map(pilotCounts.map((row) => [row.unitId, row.unitName]));
    return {
      pilots: {
        national: sum(pilotCounts, (row) => row.national),
        municipal: sum(pilotCounts, (row) => row.municipal),
        due: sum(pilotCounts, (row) => row.due),
        acceptedOnTime: sum(pilotCounts, (row) => row.acceptedOnTime),
        byDistrict: [...pilotCounts]
          .map((row) => ({
            ...row,
            counted: row.national + row.municipal,
            highlight: row.unitId === own,
          }))
          .sort((a, b) => b.counted - a.counted || a.unitId - b.unitId),
        achievements: achievements.rows,
      },
      // The boards list the districts with something to show; the rest get the panel's empty text.
      brandBoard: rankBy(
        brand.map((row) => ({
          ...row,
          total: row.national + row.citywide + row.centralMedia,
          highlight: row.unitId === own,
        })),
        (row) => row.total,
      ).filter((row) => row.value > 0),
      citywideBoard: rankBy(
        brand.map((row) => ({ ...row, highlight: row.unitId === own })),
        (row) => row.citywide,
      ).filter((row) => row.value > 0),
      problems: {
        rows: [...problems]
          .filter((row) => row.assigned > 0)
          .sort((a, b) => b.assigned - a.assigned || a.unitName.localeCompare(b.unitName, 'zh-CN'))
          .map((row) => ({ ...row, highlight: row.unitId === own })),
        assigned: sum(problems, (row) => row.assigned),
        inProgress: sum(problems, (row) => row.inProgress),
        completed: sum(problems, (row) => row.completed),
        overdue: sum(problems, (row) => row.overdue),
      },
      heat: rankBy(
        heat
          .map((row) => ({
            ...row,
            heat: row.demandsApproved + row.assigned,
            highlight: row.unitId === own,
          }))
          .filter((row) => row.heat > 0),
        (row) => row.heat,
      ).slice(0, 15),
      trend: {
        rows: trend.map((row) => ({ ...row, quarterLabel: quarterLabel(row.quarter) })),
        chart: {
          labels: trend.map((row) => quarterLabel(row.quarter)),
          series: [
            { label: '全市平均', values: trend.map((row) => row.mean) },
            { label: '最高', values: trend.map((row) => row.max) },
            { label: '最低', values: trend.map((row) => row.min) },
          ],
        },
      },
      // The latest events: at city scale a year holds hundreds; the risk ledger lists them all.
      riskCount: events.length,
      riskLedgerHref: `/risk?state=approved&from=${today.slice(0, 4)}-01-01`,
      risks: events
        .slice(-RECENT_RISK_EVENTS)
        .reverse()
        .map((event) => ({
          ...event,
          unitName: unitName.get(event.unitId ?? 0) ?? '',
          highlight: event.unitId === own,
        })),
      ownDistrictName: own ? unitName.get(own) : undefined,
    };
  }

  private indexCharts(report: ReportRow, rows: ReportSubjectRow[], own: number | undefined) {
    const subjects = (score: (row: ReportSubjectRow) => Fraction) =>
      rows.map((row) => ({
        key: String(row.unit_id),
        name: row.subject_name,
        score: score(row),
        href: `/cockpit/districts/${row.unit_id}?report=${report.id}`,
        highlight: row.unit_id === own,
      }));
    const levels = report.system_definition.firstLevels.filter((level) =>
      report.system_definition.indicators.some(
        (indicator) => indicator.firstLevel === level.code && indicator.method.kind !== 'deduction',
      ),
    );
    return [
      bandChart(
        'index-total',
        '改革综合指数',
        subjects((row) => storedFraction(row.total)),
        report.band_config,
        {
          total: true,
        },
      ),
      ...levels.slice(0, 2).map((level) =>
        bandChart(
          `index-${level.code}`,
          level.name,
          subjects((row) =>
            row.first_level_scores[level.code]
              ? storedFraction(row.first_level_scores[level.code])
              : Fraction.ZERO,
          ),
          report.band_config,
          { total: false },
        ),
      ),
    ];
  }

  /** The drill-down of one district: its scores, rank history and the records behind each number. */
  async district(unitId: number, reportId: string | undefined) {
    const { report } = await chooseReport(this.reports, 'district', reportId);
    if (!report) {
      throw new NotFoundException();
    }
    const row = await this.reports.rowOfUnit(report.id, unitId);
    if (!row) {
      throw new NotFoundException();
    }
    const definition = report.system_definition;
    return {
      title: `${row.subject_name}·改革指数`,
      report: { ...report, banner: reportBanner(report) },
      row,
      band: bandView(
        report.band_config,
        row.band,
        report.band_config.mode === 'rank_quintile' &&
          (await this.reports.totalsAllEqual(report.id)),
      ),
      total: storedFraction(row.total).toFixed(2),
      detailHref: `/reports/${report.id}/rows/${row.position}`,
      indicators: definition.indicators
        .filter((indicator) => indicator.code in row.raw_values)
        .map((indicator) => ({
          name: indicator.name,
          isDeduction: indicator.method.kind === 'deduction',
          raw: row.nothing_due?.includes(indicator.code)
            ? NOTHING_DUE_RAW
            : rawDisplay(indicator.code, storedFraction(row.raw_values[indicator.code])),
          score: row.indicator_scores[indicator.code]
            ? storedFraction(row.indicator_scores[indicator.code]).toFixed(2)
            : '—',
          evidence: row.evidence[indicator.code] ?? [],
        })),
      history: await this.reports.history('district', { unitId }),
      satisfaction: (await this.satisfaction.historyByDistrict(unitId)).map((score) => ({
        ...score,
        quarterLabel: quarterLabel(score.quarter),
      })),
    };
  }
}

function sum<T>(rows: readonly T[], value: (row: T) => number): number {
  return rows.reduce((total, row) => total + value(row), 0);
}
