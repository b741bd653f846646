import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { formatDateTime } from '../../common/views/handlebars-engine.js';
import { SYSTEM_KIND_LABELS } from '../systems/indicator-systems.service.js';
import { briefingDocx } from './briefing-docx.js';
import { briefingFonts, briefingPdf } from './briefing-pdf.js';
import { bandView } from './ranking-view.js';
import { buildBriefing, type Briefing } from './report-briefing.js';
import { previousReport, ranksOfReport } from './report-briefing.queries.js';
import { periodLabel } from './report-periods.js';
import { ReportsService, storedFraction, type ReportRow } from './reports.service.js';

/** 简报: a generated report with its 五色图 and the changes against the previous period. */
@Injectable()
export class ReportBriefingService {
  constructor(
    private readonly reports: ReportsService,
    private readonly dataSource: DataSource,
  ) {}

  async briefing(id: string): Promise<{ report: ReportRow; briefing: Briefing }> {
    const report = await this.reports.find(id);
    const rows = await this.reports.rows(id, { evidence: false });
    const previous = await previousReport(this.dataSource, report.kind, report.period);
    const label = periodLabel(report.kind, report.period);
    const kindLabel = SYSTEM_KIND_LABELS[report.kind];
    const briefing = buildBriefing({
      title: `${kindLabel}简报·${label}`,
      kindLabel,
      periodLabel: label,
      subjectLabel: report.kind === 'district' ? '区县' : '项目',
      generatedAt: formatDateTime(report.generated_at),
      asOf: report.as_of,
      systemLabel: `第 ${report.system_version} 版指标体系（${report.system_definition.name}）`,
      bands: report.band_config.bands.map((_band, index) => bandView(report.band_config, index)),
      subjects: rows.map((row) => ({
        key: String(row.unit_id ?? row.project_id),
        name: row.subject_name,
        rank: row.rank,
        total: storedFraction(row.total).toFixed(2),
        band: bandView(report.band_config, row.band),
      })),
      previous: previous
        ? {
            periodLabel: periodLabel(report.kind, previous.period),
            ranks: await ranksOfReport(this.dataSource, previous.id),
          }
        : undefined,
    });
    return { report, briefing };
  }

  async docx(id: string): Promise<{ report: ReportRow; briefing: Briefing; file: Buffer }> {
    const { report, briefing } = await this.briefing(id);
    return { report, briefing, file: await briefingDocx(briefing) };
  }

  /** The PDF briefing; 503 with a sentence saying what to install when there is no CJK font. */
  async pdf(id: string): Promise<{ report: ReportRow; briefing: Briefing; file: Buffer }> {
    const fonts = briefingFonts();
    if (!fonts) {
      throw new ServiceUnavailableException(
        '服务器未安装中文字体（fonts-noto-cjk），暂不能生成 PDF 简报；请下载 Word 简报，或在简报页打印为 PDF。',
      );
    }
    const { report, briefing } = await this.briefing(id);
    return { report, briefing, file: await briefingPdf(briefing, fonts) };
  }
}
