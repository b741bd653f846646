import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  monthDueDays,
  projectMonthsSql,
  taskOwesQuarterSql,
} from '../deadlines/deadlines.queries.js';
import { WorkCalendarService } from '../deadlines/work-calendar.service.js';
import type { UsageBounds } from './usage-period.js';
import type { DueCounts } from './usage-ranking.js';

/**
 * 应报送 / 按时报送 and 当前逾期.
 *
 * A due filing is one of the following whose deadline D (a China date) is in [from, dueTo]
 * (dueTo = the earlier of `to` and yesterday: a deadline not yet passed is not judged). It is
 * on time when filed (first submitted) before the end of day D, China time; a later filing or
 * none at all is not on time.
 * 1. First feedback of an assigned task (需求清单 / 堵点卡点): D = the assignment's 反馈时限;
 *    filed = the first `submit` of any progress filing of the task.
 * 2. Quarterly update of an assigned task (后续每季度更新一次): for each calendar quarter Q with
 *    last day D, due when the task had an approved filing before Q began and the latest such
 *    filing was not 已完成 (taskOwesQuarterSql, shared with the reminders and the board: the rule
 *    of `taskFlags` in task-due-rules.ts, as of Q's start); filed
 *    = a `submit` of a progress filing within Q.
 * 3. Monthly indicator report of an issued major project (the owed months of projectMonthsSql in
 *    src/deadlines/deadlines.queries.ts, the same rule the reminders and the 填报进度 board use):
 *    D = the month's last working day by the work calendar; filed = the report's `first_submitted_at` (the 逾期报送 flag of the module uses the
 *    same comparison). A closed project owes only the months it reported.
 *
 * 当前逾期 counts, as of today, the assigned tasks flagged 已逾期 in the task ledgers (deadline
 * passed, not completed, no progress approved yet: OVERDUE_SQL in assignments.service.ts) and the
 * owed months of accelerating projects whose due day has passed with no approved report.
 *
 * Each is one grouped query over all units; the unit is the task's unit or the project's
 * responsible department.
 */
@Injectable()
export class UsageDueFilingsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly calendars: WorkCalendarService,
  ) {}

  async dueByUnit(bounds: UsageBounds): Promise<Map<number, DueCounts>> {
    if (bounds.dueTo < bounds.from) {
      return new Map();
    }
    const months = monthDueDays(
      await this.calendars.calendar(),
      bounds.from.slice(0, 7),
      bounds.dueTo.slice(0, 7),
    );
    const rows: { unit_id: number; due: number; on_time: number }[] = await this.dataSource.query(
      `WITH ${projectMonthsSql('$3', '$4')},
       submits AS (
         SELECT p.task_id, e.at
           FROM task_progress p JOIN workflow_events e ON e.item_id = p.id AND e.action = 'submit'
       ),
       quarters AS (
         SELECT q AT TIME ZONE 'Asia/Shanghai' AS starts,
                (q + interval '3 months') AT TIME ZONE 'Asia/Shanghai' AS ends,
                (q + interval '3 months' - interval '1 day')::date AS due_on
           FROM generate_series(date_trunc('quarter', $1::date::timestamp), $2::date::timestamp, interval '3 months') q
       ),
       due AS (
         SELECT t.unit_id, a.deadline AS due_on,
                (SELECT min(s.at) FROM submits s WHERE s.task_id = t.id) AS filed_at
           FROM assignment_tasks t JOIN assignments a ON a.id = t.assignment_id
          WHERE a.deadline BETWEEN $1::date AND $2::date
         UNION ALL
         SELECT t.unit_id, q.due_on,
                (SELECT min(s.at) FROM submits s WHERE s.task_id = t.id AND s.at >= q.starts AND s.at < q.ends)
           FROM assignment_tasks t CROSS JOIN quarters q
          WHERE q.due_on BETWEEN $1::date AND $2::date
            AND ${taskOwesQuarterSql('t', 'q.starts')}
         UNION ALL
         SELECT m.unit_id, m.due_on, r.first_submitted_at
           FROM owed_months m
           LEFT JOIN indicator_reports r
                  ON r.project_id = m.project_id AND r.report_month = m.report_month AND r.id = r.lineage_id
          WHERE m.due_on BETWEEN $1::date AND $2::date AND (m.accelerating OR r.id IS NOT NULL)
       )
       SELECT unit_id, count(*)::int AS due,
              count(*) FILTER (WHERE filed_at < (due_on + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')::int AS on_time
         FROM due
        GROUP BY unit_id`,
      [bounds.from, bounds.dueTo, months[0], months[1]],
    );
    return new Map(rows.map((row) => [row.unit_id, { due: row.due, onTime: row.on_time }]));
  }

  async overdueNowByUnit(bounds: UsageBounds): Promise<Map<number, number>> {
    // Every month up to today's: a project's plan year is 2017 or later.
    const months = monthDueDays(
      await this.calendars.calendar(),
      '2017-01',
      bounds.today.slice(0, 7),
    );
    const rows: { unit_id: number; overdue: number }[] = await this.dataSource.query(
      `WITH ${projectMonthsSql('$2', '$3')}
       SELECT unit_id, count(*)::int AS overdue
         FROM (
           SELECT t.unit_id
             FROM assignment_tasks t JOIN assignments a ON a.id = t.assignment_id
            WHERE t.latest_status IS DISTINCT FROM 'completed' AND t.first_approved_at IS NULL
              AND a.deadline < $1::date
           UNION ALL
           SELECT m.unit_id
             FROM owed_months m
            WHERE m.accelerating AND m.due_on < $1::date
              AND NOT EXISTS (
                SELECT 1 FROM indicator_reports r JOIN workflow_items wi ON wi.id = r.id AND wi.approved_at IS NOT NULL
                 WHERE r.project_id = m.project_id AND r.report_month = m.report_month)
         ) overdue
        GROUP BY unit_id`,
      [bounds.today, months[0], months[1]],
    );
    return new Map(rows.map((row) => [row.unit_id, row.overdue]));
  }
}
