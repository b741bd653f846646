import { Controller, Get, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Roles } from '../auth/auth.decorators.js';
import { Clock } from '../common/time/clock.js';
import { dateRangeLabel, streamExcel, type ExcelColumn } from '../exports/excel-export.js';
import { UNIT_KIND_LABELS } from '../units/unit-kinds.js';
import { USAGE_UNIT_KINDS, parseUsageFilter, type UsageFilter } from './usage-period.js';
import { hasActivity, USAGE_SCORE_RULES, type UsageRow } from './usage-ranking.js';
import { UsageService } from './usage.service.js';
import { NewsService } from '../news/news.service.js';

/** A ranked row with the 工作动态 counts beside it (shown, not part of the ranking). */
type UsageRowWithNews = UsageRow & { newsSubmitted: number; newsAdopted: number };

/** The Excel download: the page's table, the on-time rate as a number of percent. */
const COLUMNS: ExcelColumn<UsageRowWithNews>[] = [
  { header: '排名', width: 6, kind: 'number', value: (row) => row.rank },
  { header: '单位', width: 20, value: (row) => row.unitName },
  { header: '类型', width: 10, value: (row) => UNIT_KIND_LABELS[row.unitKind] },
  { header: '上报次数', width: 10, kind: 'number', value: (row) => row.submissions },
  { header: '被驳回次数', width: 11, kind: 'number', value: (row) => row.rejections },
  { header: '退回完善次数', width: 12, kind: 'number', value: (row) => row.returns },
  { header: '应报送', width: 8, kind: 'number', value: (row) => row.due },
  { header: '按时报送', width: 10, kind: 'number', value: (row) => row.onTime },
  { header: '按时率（%）', width: 11, kind: 'number', value: (row) => row.onTimePercent },
  { header: '当前逾期', width: 10, kind: 'number', value: (row) => row.overdueNow },
  {
    header: '平均审核用时（天）',
    width: 16,
    kind: 'number',
    value: (row) => row.meanReviewDays,
  },
  { header: '工作动态报送', width: 12, kind: 'number', value: (row) => row.newsSubmitted },
  { header: '工作动态采用', width: 12, kind: 'number', value: (row) => row.newsAdopted },
  { header: '考评得分', width: 10, kind: 'number', value: (row) => row.score },
];

function queryOf(filter: UsageFilter): string {
  return new URLSearchParams({ from: filter.from, to: filter.to, kind: filter.kind }).toString();
}

/** 系统使用情况考评: units ranked by how they use the system over a period. */
@Controller('usage')
@Roles('office', 'leader')
export class UsageController {
  constructor(
    private readonly usage: UsageService,
    private readonly clock: Clock,
    private readonly news: NewsService,
  ) {}

  /** The 工作动态 报送数 and 采用数 of the period beside each ranked unit (see /news/stats). */
  private async withNews(rows: UsageRow[], filter: UsageFilter): Promise<UsageRowWithNews[]> {
    const counts = await this.news.countsByUnit(filter.from, filter.to);
    return rows.map((row) => ({
      ...row,
      newsSubmitted: counts.get(row.unitId)?.submitted ?? 0,
      newsAdopted: counts.get(row.unitId)?.adopted ?? 0,
    }));
  }

  @Get()
  async index(@Query() query: Record<string, string>, @Res() reply: FastifyReply) {
    const now = this.clock.now();
    const filter = parseUsageFilter(query, now);
    const ranked = await this.usage.evaluate(filter, now);
    // A period with nothing at all would rank every unit first on zeros: shown as empty instead.
    const rows = await this.withNews(hasActivity(ranked) ? ranked : [], filter);
    return reply.view('usage/index.hbs', {
      title: '系统使用情况考评',
      filter,
      kinds: USAGE_UNIT_KINDS.options(),
      rows: rows.map((row) => ({
        ...row,
        unitKindLabel: UNIT_KIND_LABELS[row.unitKind],
        onTimeText: row.onTimePercent === null ? '—' : `${row.onTimePercent.toFixed(1)}%`,
        meanReviewDaysText: row.meanReviewDays === null ? '—' : row.meanReviewDays.toFixed(1),
        scoreText: row.exactScore.toFixed(2),
      })),
      scoreRules: USAGE_SCORE_RULES.map(({ label, formula }) => ({ label, formula })),
      exportHref: `/usage/export?${queryOf(filter)}`,
    });
  }

  @Get('export')
  async export(@Query() query: Record<string, string>, @Res() reply: FastifyReply) {
    const now = this.clock.now();
    const filter = parseUsageFilter(query, now);
    const ranked = await this.usage.evaluate(filter, now);
    await streamExcel(
      reply,
      `系统使用情况考评-${filter.from}至${filter.to}.xlsx`,
      '系统使用情况考评',
      COLUMNS,
      [await this.withNews(hasActivity(ranked) ? ranked : [], filter)],
      {
        filters: [
          { label: '考评期间', value: dateRangeLabel(filter.from, filter.to) },
          { label: '单位类型', value: USAGE_UNIT_KINDS.labels[filter.kind] },
        ],
      },
    );
  }
}
