import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { UsageDueFilingsService } from './usage-due-filings.service.js';
import { UsageEventsService } from './usage-events.service.js';
import { usageBounds, type UsageFilter } from './usage-period.js';
import { rankUsage, type UsageRow, type UsageUnit } from './usage-ranking.js';
import { UsageReviewTimeService } from './usage-review-time.service.js';

/**
 * 系统使用情况考评: the active districts and/or departments ranked over a period. Five grouped
 * queries in all (units, events, due filings, overdue now, review time), whatever the number of
 * units; `rankUsage` combines them.
 */
@Injectable()
export class UsageService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: UsageEventsService,
    private readonly dueFilings: UsageDueFilingsService,
    private readonly reviewTime: UsageReviewTimeService,
  ) {}

  /** `now` decides yesterday (the last deadline judged) and today (当前逾期). */
  async evaluate(filter: UsageFilter, now: Date): Promise<UsageRow[]> {
    const bounds = usageBounds(filter, now);
    const kinds = filter.kind === 'all' ? ['district', 'department'] : [filter.kind];
    const [units, events, due, overdueNow, reviewTime] = await Promise.all([
      this.dataSource.query<{ id: number; name: string; kind: UsageUnit['unitKind'] }[]>(
        `SELECT id, name, kind FROM units WHERE active AND kind = ANY($1::varchar[]) ORDER BY sort_order, id`,
        [kinds],
      ),
      this.events.countsByUnit(bounds),
      this.dueFilings.dueByUnit(bounds),
      this.dueFilings.overdueNowByUnit(bounds),
      this.reviewTime.reviewTimeByUnit(bounds),
    ]);
    return rankUsage(
      units.map((unit) => ({ unitId: unit.id, unitName: unit.name, unitKind: unit.kind })),
      { events, due, overdueNow, reviewTime },
    );
  }
}
