import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { UsageBounds } from './usage-period.js';
import type { ReviewTime } from './usage-ranking.js';

/**
 * 平均审核用时: over the unit's records (every type, each revision on its own) approved in the
 * period, the time from the revision's first `submit` event to its `approved_at`. The count and
 * the sum of seconds come back; the mean in days is taken by `rankUsage`. One grouped query.
 * The first submit, not `workflow_items.submitted_at` (the latest one), so a record sent back and
 * resubmitted counts its whole way through review.
 */
@Injectable()
export class UsageReviewTimeService {
  constructor(private readonly dataSource: DataSource) {}

  async reviewTimeByUnit(bounds: UsageBounds): Promise<Map<number, ReviewTime>> {
    const rows: { unit_id: number; approved: number; total_seconds: number }[] =
      await this.dataSource.query(
        `SELECT wi.owner_unit_id AS unit_id, count(*)::int AS approved,
                sum(extract(epoch FROM wi.approved_at - s.first_submit))::float8 AS total_seconds
           FROM workflow_items wi
           JOIN LATERAL (
             SELECT min(e.at) AS first_submit FROM workflow_events e WHERE e.item_id = wi.id AND e.action = 'submit'
           ) s ON s.first_submit IS NOT NULL
          WHERE wi.approved_at >= $1 AND wi.approved_at < $2
          GROUP BY wi.owner_unit_id`,
        [bounds.start, bounds.end],
      );
    return new Map(
      rows.map((row) => [
        row.unit_id,
        { approved: row.approved, totalSeconds: Number(row.total_seconds) },
      ]),
    );
  }
}
