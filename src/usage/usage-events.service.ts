import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { UsageBounds } from './usage-period.js';
import type { EventCounts } from './usage-ranking.js';

/**
 * 上报次数, 被驳回次数 and 退回完善次数: workflow events on each unit's records (by the record's
 * owner unit) with `at` in the period, over every record type, in one grouped query.
 * - submissions: every `submit`, a resubmission after a send-back included;
 * - rejections and returns: `reject` / `return` by another unit (the office, or a competent
 *   department confirming a pilot). A unit's own reviewer sending its clerk's draft back is the
 *   unit's own check, not counted (seed 000: 不符合条件的数据，市委改革办将予以驳回，数据被驳回次数纳入系统使用情况考评).
 */
@Injectable()
export class UsageEventsService {
  constructor(private readonly dataSource: DataSource) {}

  async countsByUnit(bounds: UsageBounds): Promise<Map<number, EventCounts>> {
    const rows: { unit_id: number; submissions: number; rejections: number; returns: number }[] =
      await this.dataSource.query(
        `SELECT owner_unit_id AS unit_id,
                count(*) FILTER (WHERE action = 'submit')::int AS submissions,
                count(*) FILTER (WHERE action = 'reject' AND actor_unit_id <> owner_unit_id)::int AS rejections,
                count(*) FILTER (WHERE action = 'return' AND actor_unit_id <> owner_unit_id)::int AS returns
           FROM workflow_events
          WHERE action IN ('submit', 'reject', 'return') AND at >= $1 AND at < $2
          GROUP BY owner_unit_id`,
        [bounds.start, bounds.end],
      );
    return new Map(
      rows.map((row) => [
        row.unit_id,
        { submissions: row.submissions, rejections: row.rejections, returns: row.returns },
      ]),
    );
  }
}
