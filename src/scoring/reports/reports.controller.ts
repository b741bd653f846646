import { Controller, Get, NotFoundException, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { AuthUser } from '../../auth/auth-context.js';
import { Call, type Caller, CurrentUser, Roles } from '../../auth/auth.decorators.js';
import { BUSINESS_ROLES } from '../../auth/roles.js';
import {
  FormInvalidException,
  unlessRefused,
  type FieldErrors,
} from '../../common/forms/form-validation.js';
import { setFlash } from '../../common/http/flash.js';
import { seeOther } from '../../common/htmx/htmx-request.js';
import { chinaDate } from '../../common/time/china-time.js';
import { Clock } from '../../common/time/clock.js';
import { streamExcel, type ExcelColumn } from '../../exports/excel-export.js';
import { ProjectSatisfactionService } from '../../major-projects/satisfaction/project-satisfaction.service.js';
import {
  SYSTEM_KIND_LABELS,
  systemKindOf,
  systemKindTabs,
  type SystemKind,
} from '../systems/indicator-systems.service.js';
import type { Briefing } from './report-briefing.js';
import { ReportBriefingService } from './report-briefing.service.js';
import { isClosed, parsePeriod, periodLabel, recentPeriods } from './report-periods.js';
import {
  NOTHING_DUE_RAW,
  rankingView,
  rawDisplay,
  bandView,
  type ScoredSubject,
} from './ranking-view.js';
import {
  ReportsService,
  storedFraction,
  type ReportRow,
  type ReportSubjectRow,
} from './reports.service.js';
import { RecordIndexPipe } from '../../common/http/params.js';
import { asDownload, DOCX_MEDIA_TYPE } from '../../common/http/download.js';

const fractions = (values: Record<string, string>) =>
  Object.fromEntries(Object.entries(values).map(([code, text]) => [code, storedFraction(text)]));

/** A snapshot row as the ranking view takes it. */
export function scoredSubject(report: ReportRow, row: ReportSubjectRow): ScoredSubject {
  return {
    name: row.subject_name,
    href: `/reports/${report.id}/rows/${row.position}`,
    raw: fractions(row.raw_values),
    scores: fractions(row.indicator_scores),
    firstLevels: fractions(row.first_level_scores),
    deductions: storedFraction(row.deductions),
    total: storedFraction(row.total),
    rank: row.rank,
    band: row.band,
    nothingDue: row.nothing_due,
  };
}

/** 报表生成 and the generated reports: ranking, per-unit detail, Excel. */
/** A briefing file as a download named after its kind, period and day. */
function sendBriefing(
  reply: FastifyReply,
  { report, briefing, file }: { report: ReportRow; briefing: Briefing; file: Buffer },
  extension: 'docx' | 'pdf',
  type: string,
) {
  const name = `${briefing.kindLabel}简报-${report.period}-${chinaDate(report.generated_at)}.${extension}`;
  return asDownload(reply, { type, fallback: `briefing.${extension}`, name }).send(file);
}

@Controller('reports')
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly briefings: ReportBriefingService,
    private readonly projectSatisfaction: ProjectSatisfactionService,
    private readonly clock: Clock,
  ) {}

  /**
   * The major-project report's display indicator: each project's satisfaction score of the
   * report's year, as entered by the office (not scored, not in the index, read when viewed).
   */
  private async satisfactionDisplay(report: ReportRow, rows: ReportSubjectRow[]) {
    if (report.kind !== 'major_project') {
      return undefined;
    }
    const year = Number(report.period.slice(0, 4));
    const scores = await this.projectSatisfaction.scoresOfYear(year);
    return {
      year,
      rows: rows.map((row) => ({
        name: row.subject_name,
        score: row.project_id ? scores.get(row.project_id) : undefined,
      })),
    };
  }

  @Get()
  @Roles('office', 'leader')
  async index(
    @Query('kind') kindParam: string,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    return this.renderIndex(reply, systemKindOf(kindParam), user, 200, {}, undefined);
  }

  @Post()
  @Roles('office')
  async generate(@Call() { body, user, request }: Caller, @Res() reply: FastifyReply) {
    const kind = systemKindOf(body?.kind);
    const period = body?.period as string | undefined;
    return unlessRefused(
      async () => {
        const today = chinaDate(this.clock.now());
        const id = await this.reports.generateClosed(kind, String(period ?? ''), user, today);
        setFlash(reply, 'success', '报表已生成并冻结；之后的数据变化不影响本报表');
        return seeOther(request, reply, `/reports/${id}`);
      },
      (errors) => this.renderIndex(reply, kind, user, 422, errors, period),
    );
  }

  /**
   * 期中预览: the running period scored over today's approved data, shown and not stored — never
   * a report of the period, never in 历次排名 or the cockpit.
   */
  @Get('preview')
  @Roles('office', 'leader')
  async preview(
    @Query('kind') kindParam: string,
    @Query('period') periodParam: string,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const kind = systemKindOf(kindParam);
    const today = chinaDate(this.clock.now());
    let computed: Awaited<ReturnType<ReportsService['preview']>>;
    try {
      computed = await this.reports.preview(kind, String(periodParam ?? ''), today);
    } catch (error) {
      if (error instanceof FormInvalidException) {
        return this.renderIndex(reply, kind, user, 422, error.errors, undefined);
      }
      throw error;
    }
    const period = computed.period;
    return reply.view('scoring/report-preview.hbs', {
      title: `期中预览·${SYSTEM_KIND_LABELS[kind]}·${period.label}`,
      kind,
      kindLabel: SYSTEM_KIND_LABELS[kind],
      period,
      today,
      systemVersion: computed.system.version,
      satisfactionNote: computed.satisfactionQuarter
        ? `${period.label}的改革满意度尚未审核通过，预览暂用${periodLabel('district', computed.satisfactionQuarter)}的得分`
        : undefined,
      subjectLabel: kind === 'district' ? '区县' : '项目',
      ranking: rankingView(
        computed.system.definition,
        computed.bandConfig,
        computed.results.map((result, index) => ({
          name: computed.subjects[index].name,
          raw: computed.subjects[index].values,
          scores: result.indicators,
          firstLevels: result.firstLevels,
          deductions: result.deductions,
          total: result.total,
          rank: result.rank,
          band: computed.bands[index],
        })),
      ),
    });
  }

  @Get(':id')
  @Roles('office', 'leader')
  async show(@Param('id') id: string, @Res() reply: FastifyReply) {
    const report = await this.reports.find(id);
    const rows = await this.reports.rows(id, { evidence: false });
    const period = parsePeriod(report.kind, report.period);
    return reply.view('scoring/report.hbs', {
      title: `${SYSTEM_KIND_LABELS[report.kind]}·${period?.label ?? report.period}`,
      report,
      periodLabel: period?.label ?? report.period,
      kindLabel: SYSTEM_KIND_LABELS[report.kind],
      subjectLabel: report.kind === 'district' ? '区县' : '项目',
      ranking: rankingView(
        report.system_definition,
        report.band_config,
        rows.map((row) => scoredSubject(report, row)),
      ),
      bandModeLabel: report.band_config.mode === 'rank_quintile' ? '按名次五等分' : '按得分区间',
      satisfaction: await this.satisfactionDisplay(report, rows),
    });
  }

  @Get(':id/export')
  @Roles('office', 'leader')
  async export(@Param('id') id: string, @Res() reply: FastifyReply) {
    const report = await this.reports.find(id);
    const rows = await this.reports.rows(id, { evidence: false });
    const view = rankingView(
      report.system_definition,
      report.band_config,
      rows.map((row) => scoredSubject(report, row)),
    );
    type Row = (typeof view.rows)[number];
    // Numbers as numbers: raw values (rates as 0.xx with a % format), scores to 2 decimals.
    const columns: ExcelColumn<Row>[] = [
      { header: '名次', width: 6, kind: 'number', value: (row) => row.rank },
      { header: report.kind === 'district' ? '区县' : '项目', width: 30, value: (row) => row.name },
      {
        header: '五色图',
        width: 12,
        value: (row) =>
          row.band.colorName ? `${row.band.name}（${row.band.colorName}）` : row.band.name,
        fill: (row) => ({ color: row.band.color, ink: row.band.ink }),
      },
      ...view.columns.flatMap((column, index): ExcelColumn<Row>[] => {
        const rate = view.rows[0]?.cells[index].rate ?? false;
        return [
          {
            header: `${column.name}（原始值）`,
            width: 16,
            kind: rate ? 'percent' : 'number',
            value: (row) => row.cells[index].value,
          },
          {
            header: `${column.name}（得分，满分${column.points}）`,
            width: 16,
            kind: 'number',
            numFmt: '0.00',
            value: (row) => row.cells[index].score,
          },
        ];
      }),
      ...view.deductionColumns.map((column, index): ExcelColumn<Row> => ({
        header: `${column.name}（起数）`,
        width: 14,
        kind: 'number',
        value: (row) => row.deductionCells[index].value,
      })),
      {
        header: '扣分合计',
        width: 10,
        kind: 'number',
        numFmt: '0.00',
        value: (row) => row.deductions,
      },
      { header: '总分', width: 10, kind: 'number', numFmt: '0.00', value: (row) => row.total },
    ];
    const period = parsePeriod(report.kind, report.period);
    await streamExcel(
      reply,
      `${SYSTEM_KIND_LABELS[report.kind]}-${report.period}-${chinaDate(report.generated_at)}.xlsx`,
      (period?.label ?? report.period).slice(0, 31),
      columns,
      // The whole ranking is already in memory (41 districts or ~100 projects): one batch.
      [view.rows],
      {
        title: `${SYSTEM_KIND_LABELS[report.kind]}·${period?.label ?? report.period}`,
        filters: [
          { label: '考核周期', value: period?.label ?? report.period },
          { label: '生成时间', value: chinaDate(report.generated_at) },
        ],
      },
    );
  }

  /** 简报 to print: an A4 page the browser prints (the PDF download is briefing.pdf). */
  @Get(':id/briefing')
  @Roles('office', 'leader')
  async briefing(@Param('id') id: string, @Res() reply: FastifyReply) {
    const { report, briefing } = await this.briefings.briefing(id);
    return reply.view('reports/briefing.hbs', { title: briefing.title, report, briefing });
  }

  /** 简报 as a Word document: ranking, 五色图 and the changes against the previous period. */
  @Get(':id/briefing.docx')
  @Roles('office', 'leader')
  async briefingDocx(@Param('id') id: string, @Res() reply: FastifyReply) {
    return sendBriefing(reply, await this.briefings.docx(id), 'docx', DOCX_MEDIA_TYPE);
  }

  /** 简报 as a PDF, the same sections drawn on A4 with an embedded CJK font. */
  @Get(':id/briefing.pdf')
  @Roles('office', 'leader')
  async briefingPdf(@Param('id') id: string, @Res() reply: FastifyReply) {
    return sendBriefing(reply, await this.briefings.pdf(id), 'pdf', 'application/pdf');
  }

  /** Why a unit ranks where it does: each indicator's raw value, score and the records behind it. */
  @Get(':id/rows/:position')
  @Roles(...BUSINESS_ROLES)
  async row(
    @Param('id') id: string,
    @Param('position', RecordIndexPipe) position: number,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const report = await this.reports.find(id);
    const row = await this.reports.row(id, position);
    if (!(await this.reports.canReadRow(user, row))) {
      throw new NotFoundException();
    }
    const subject = scoredSubject(report, row);
    const definition = report.system_definition;
    const period = parsePeriod(report.kind, report.period);
    return reply.view('scoring/report-row.hbs', {
      title: `${row.subject_name}·${period?.label ?? report.period}`,
      report,
      row,
      periodLabel: period?.label ?? report.period,
      band: bandView(
        report.band_config,
        row.band,
        report.band_config.mode === 'rank_quintile' && (await this.reports.totalsAllEqual(id)),
      ),
      total: subject.total.toFixed(2),
      deductions: subject.deductions.toFixed(2),
      firstLevels: definition.firstLevels.map((level) => ({
        name: level.name,
        score: subject.firstLevels[level.code]?.toFixed(2) ?? '—',
        indicators: definition.indicators
          .filter(
            (indicator) => indicator.firstLevel === level.code && indicator.code in subject.raw,
          )
          .map((indicator) => ({
            name: indicator.name,
            points: indicator.points,
            isDeduction: indicator.method.kind === 'deduction',
            raw: row.nothing_due?.includes(indicator.code)
              ? NOTHING_DUE_RAW
              : rawDisplay(indicator.code, subject.raw[indicator.code]),
            score: subject.scores[indicator.code]?.toFixed(2) ?? '—',
            evidence: row.evidence[indicator.code] ?? [],
          })),
      })),
      history: await this.reports.history(report.kind, {
        unitId: row.unit_id,
        projectId: row.project_id,
      }),
      canSeeRanking: this.reports.canReadAll(user),
    });
  }

  private async renderIndex(
    reply: FastifyReply,
    kind: SystemKind,
    user: AuthUser,
    status: number,
    errors: FieldErrors,
    period: string | undefined,
  ) {
    const today = chinaDate(this.clock.now());
    // Only closed periods are offered; the running one is only a 期中预览.
    const [current, ...earlier] = recentPeriods(kind, today, kind === 'district' ? 9 : 13);
    const periods = isClosed(current, today) ? [current, ...earlier] : earlier;
    const list = await this.reports.list(kind);
    return reply.code(status).view('scoring/reports-index.hbs', {
      title: '报表生成',
      kind,
      kindLabel: SYSTEM_KIND_LABELS[kind],
      kinds: systemKindTabs(kind),
      periods: periods.map((candidate) => ({
        ...candidate,
        selected: candidate.code === (period ?? periods[0].code),
      })),
      reports: list.map((report) => ({
        ...report,
        periodLabel: periodLabel(report.kind, report.period),
      })),
      canGenerate: user.roles.includes('office'),
      current: isClosed(current, today) ? undefined : current,
      errors,
    });
  }
}
