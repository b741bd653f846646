import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { SqlRunner } from '../database/sql.js';
import type { DueStatus } from './due-items.js';
import {
  monthsBetween,
  quarterBounds,
  type CalendarDayKind,
  type WorkCalendar,
} from './work-calendar.js';

/**
 * The months an issued major project owes a 量化目标推进更新 (seed 001: 每月底最后一个工作日更新当月
 * 进度值): every month of its plan year, due on the month's last working day, from the first month
 * whose due day is on or after the day version 1 of the battle map was issued (a month already past
 * when the map arrived could not have been filed in time). The due days are not computed here: they
 * come in as two parallel arrays (month, due day) made by `monthDueDays`, i.e. by the work calendar's
 * rule, so this SQL and the pure rule are one rule. `$m` and `$d` are the arrays' placeholders.
 */
export function projectMonthsSql(monthsParam: string, dueDaysParam: string): string {
  return `
  project_months AS (
    SELECT p.id AS project_id, p.responsible_unit_id AS unit_id, p.status = 'accelerating' AS accelerating,
           md.report_month, md.due_on,
           (v.created_at AT TIME ZONE 'Asia/Shanghai')::date AS issued_on
      FROM major_projects p
      JOIN map_versions v ON v.project_id = p.id AND v.version = 1
      JOIN unnest(${monthsParam}::text[], ${dueDaysParam}::date[]) AS md(report_month, due_on)
        ON left(md.report_month, 4)::int = p.plan_year
  ),
  owed_months AS (SELECT * FROM project_months WHERE due_on >= issued_on)`;
}

/**
 * Whether a task owes a quarterly update for the quarter starting at `quarterStarts` (a timestamptz
 * expression): its latest approved filing before the quarter began is not 已完成 (seed 000: 后续每
 * 季度更新一次，直至…已完成; the rule of taskFlags in task-due-rules.ts). A task with no approved
 * filing yet owes its first feedback instead. Shared by the usage evaluation and the due sources.
 */
export function taskOwesQuarterSql(task: string, quarterStarts: string): string {
  return `(SELECT p.status FROM task_progress p JOIN workflow_items wi ON wi.id = p.id AND wi.approved_at IS NOT NULL
            WHERE p.task_id = ${task}.id AND wi.approved_at < ${quarterStarts}
            ORDER BY wi.approved_at DESC LIMIT 1) <> 'completed'`;
}

/** The months from `fromMonth` to `toMonth` and their due days, as projectMonthsSql takes them. */
export function monthDueDays(
  calendar: WorkCalendar,
  fromMonth: string,
  toMonth: string,
): [string[], string[]] {
  const months = monthsBetween(fromMonth, toMonth);
  return [months, months.map((month) => calendar.lastWorkingDayOfMonth(month))];
}

/** Quarters as three parallel arrays (code, first day, last day) for unnest. */
function quarterArrays(quarters: string[]): [string[], string[], string[]] {
  return [
    quarters,
    quarters.map((quarter) => quarterBounds(quarter).start),
    quarters.map((quarter) => quarterBounds(quarter).end),
  ];
}

export interface DueRow {
  item_key: string;
  period: string;
  unit_id: number;
  unit_name: string;
  title: string;
  due_on: string;
  status: DueStatus;
}

/**
 * A filing's state from its workflow revisions: any approved → approved; any pending → reviewing.
 * `filter` is the FROM … WHERE of the revisions (aliased `wi` for workflow_items); modules' due
 * sources use it too (news 约稿).
 */
export const STATUS_OF = (filter: string) => `
  coalesce((SELECT CASE WHEN bool_or(wi.state = 'approved') THEN 'approved'
                        WHEN bool_or(wi.state = 'pending') THEN 'reviewing' END
              FROM ${filter}), 'not_filed')`;

/** Every query of the due sources, the work calendar and the reminder settings. */
/** The filing `p` was submitted within the quarter `q` (its starts and ends, China dates). */
const SUBMITTED_IN_QUARTER = `EXISTS (
  SELECT 1 FROM workflow_events e WHERE e.item_id = p.id AND e.action = 'submit'
     AND e.at >= q.starts::timestamp AT TIME ZONE 'Asia/Shanghai'
     AND e.at < (q.ends + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')`;

/**
 * The owed months' items (after `WITH owed_months …` of projectMonthsSql, with $3/$4 the window
 * and $5 the unit or null). indicators: the month's indicator report. plans: each accelerating
 * project's months that have plans in the current battle-map version — every plan of the month
 * owes a status update (月度计划推进更新, 每月底集中更新) by the same day; approved when every
 * plan has an approved update, in review when every plan has one filed.
 */
const PROJECT_MONTH_ITEMS = {
  indicators: `
     SELECT m.project_id::text AS item_key, m.report_month AS period, m.unit_id, u.name AS unit_name,
            p.name AS title, to_char(m.due_on, 'YYYY-MM-DD') AS due_on,
            ${STATUS_OF(
              `indicator_reports r JOIN workflow_items wi ON wi.id = r.id
               WHERE r.project_id = m.project_id AND r.report_month = m.report_month`,
            )} AS status
       FROM owed_months m JOIN major_projects p ON p.id = m.project_id JOIN units u ON u.id = m.unit_id
      WHERE m.accelerating AND m.due_on BETWEEN $3::date AND $4::date AND ($5::int IS NULL OR m.unit_id = $5)`,
  plans: `,
     current_version AS (
       SELECT DISTINCT ON (project_id) project_id, id AS content_id FROM map_versions ORDER BY project_id, version DESC
     ),
     plan_states AS (
       SELECT m.project_id, m.report_month, m.unit_id, m.due_on, pl.plan_key,
              EXISTS (SELECT 1 FROM plan_updates x JOIN workflow_items wi ON wi.id = x.id
                       WHERE x.project_id = m.project_id AND x.plan_key = pl.plan_key AND wi.state = 'approved') AS approved,
              EXISTS (SELECT 1 FROM plan_updates x JOIN workflow_items wi ON wi.id = x.id
                       WHERE x.project_id = m.project_id AND x.plan_key = pl.plan_key AND wi.state IN ('approved', 'pending')) AS filed
         FROM owed_months m
         JOIN current_version cv ON cv.project_id = m.project_id
         JOIN map_plans pl ON pl.content_id = cv.content_id AND pl.plan_month = m.report_month
        WHERE m.accelerating AND m.due_on BETWEEN $3::date AND $4::date AND ($5::int IS NULL OR m.unit_id = $5)
     )
     SELECT s.project_id::text AS item_key, s.report_month AS period, s.unit_id, u.name AS unit_name,
            p.name || '（' || count(*) || '项计划）' AS title, to_char(s.due_on, 'YYYY-MM-DD') AS due_on,
            CASE WHEN bool_and(s.approved) THEN 'approved' WHEN bool_and(s.filed) THEN 'reviewing' ELSE 'not_filed' END AS status
       FROM plan_states s JOIN major_projects p ON p.id = s.project_id JOIN units u ON u.id = s.unit_id
      GROUP BY s.project_id, s.report_month, s.unit_id, u.name, p.name, s.due_on`,
};

@Injectable()
export class DeadlineQueries {
  constructor(private readonly dataSource: DataSource) {}

  async unitKinds(): Promise<Map<number, string>> {
    const rows: { id: number; kind: string }[] = await this.dataSource.query(
      `SELECT id, kind FROM units`,
    );
    return new Map(rows.map((row) => [row.id, row.kind]));
  }

  async calendarRows(): Promise<{ day: string; kind: CalendarDayKind; note: string }[]> {
    return this.dataSource.query(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, kind, note FROM work_calendar ORDER BY day`,
    );
  }

  async upsertCalendarDay(
    runner: SqlRunner,
    day: string,
    kind: CalendarDayKind,
    note: string,
  ): Promise<void> {
    await runner.query(
      `INSERT INTO work_calendar (day, kind, note) VALUES ($1, $2, $3)
       ON CONFLICT (day) DO UPDATE SET kind = EXCLUDED.kind, note = EXCLUDED.note, updated_at = now()`,
      [day, kind, note],
    );
  }

  async deleteCalendarDay(runner: SqlRunner, day: string): Promise<void> {
    await runner.query(`DELETE FROM work_calendar WHERE day = $1`, [day]);
  }

  /**
   * The stored due day of the month's indicator reports follows the calendar: when a day of the
   * month changes, its reports' due day is computed again (the 逾期报送 flag reads it).
   */
  async refreshIndicatorReportDueDay(
    runner: SqlRunner,
    month: string,
    dueOn: string,
  ): Promise<void> {
    await runner.query(
      `UPDATE indicator_reports SET due_on = $2 WHERE report_month = $1 AND due_on <> $2`,
      [month, dueOn],
    );
  }

  async settings(): Promise<{ days_before: number; office_grace_days: number }> {
    const rows: { days_before: number; office_grace_days: number }[] = await this.dataSource.query(
      `SELECT days_before, office_grace_days FROM reminder_settings WHERE id`,
    );
    return rows[0] ?? { days_before: 3, office_grace_days: 3 };
  }

  async saveSettings(
    runner: SqlRunner,
    daysBefore: number,
    officeGraceDays: number,
  ): Promise<void> {
    await runner.query(
      `INSERT INTO reminder_settings (id, days_before, office_grace_days) VALUES (true, $1, $2)
       ON CONFLICT (id) DO UPDATE SET days_before = $1, office_grace_days = $2, updated_at = now()`,
      [daysBefore, officeGraceDays],
    );
  }

  /**
   * 需求清单 / 堵点卡点 tasks (seed 000 四(一)3, 四(四)3): the first feedback by the 反馈时限, then
   * one every quarter (due its last day) while the latest approved filing before the quarter began
   * is not 已完成 — the rule of taskFlags (task-due-rules.ts) and of the usage evaluation.
   */
  async taskItems(
    kind: 'demand_list' | 'blocker' | 'meeting_decision',
    from: string,
    to: string,
    quarters: string[],
    unitId: number | null,
  ): Promise<DueRow[]> {
    const [codes, starts, ends] = quarterArrays(quarters);
    return this.dataSource.query(
      `SELECT t.id::text AS item_key, 'first' AS period, t.unit_id, u.name AS unit_name, a.title,
              to_char(a.deadline, 'YYYY-MM-DD') AS due_on,
              CASE WHEN t.first_approved_at IS NOT NULL THEN 'approved' ELSE ${STATUS_OF(
                `task_progress p JOIN workflow_items wi ON wi.id = p.id WHERE p.task_id = t.id`,
              )} END AS status
         FROM assignment_tasks t JOIN assignments a ON a.id = t.assignment_id JOIN units u ON u.id = t.unit_id
        WHERE a.kind = $1 AND a.deadline BETWEEN $2::date AND $3::date AND ($4::int IS NULL OR t.unit_id = $4)
       UNION ALL
       SELECT t.id::text, q.code, t.unit_id, u.name, a.title, to_char(q.ends, 'YYYY-MM-DD'),
              ${STATUS_OF(
                `task_progress p JOIN workflow_items wi ON wi.id = p.id
                 WHERE p.task_id = t.id AND ${SUBMITTED_IN_QUARTER}`,
              )}
         FROM assignment_tasks t JOIN assignments a ON a.id = t.assignment_id JOIN units u ON u.id = t.unit_id
        CROSS JOIN unnest($5::text[], $6::date[], $7::date[]) AS q(code, starts, ends)
        WHERE a.kind = $1 AND ($4::int IS NULL OR t.unit_id = $4)
          AND ${taskOwesQuarterSql('t', `(q.starts::timestamp AT TIME ZONE 'Asia/Shanghai')`)}`,
      [kind, from, to, unitId, codes, starts, ends],
    );
  }

  /**
   * Pilot progress (试点推进状态): each involved district's stream owes one filing every quarter
   * (due its last day) until the pilot is accepted, from the quarter the stream began (the
   * competent department's 确认分发) — or the next one when it began in a quarter's last month.
   */
  async pilotItems(quarters: string[], unitId: number | null): Promise<DueRow[]> {
    const [codes, starts, ends] = quarterArrays(quarters);
    return this.dataSource.query(
      `SELECT s.id::text AS item_key, q.code AS period, s.unit_id, u.name AS unit_name, pl.name AS title,
              to_char(q.ends, 'YYYY-MM-DD') AS due_on,
              ${STATUS_OF(
                `pilot_progress p JOIN workflow_items wi ON wi.id = p.id
                 WHERE p.stream_id = s.id AND ${SUBMITTED_IN_QUARTER}`,
              )} AS status
         FROM pilot_streams s JOIN units u ON u.id = s.unit_id
         JOIN LATERAL (SELECT p.name FROM pilots p JOIN workflow_items wi ON wi.id = p.id
                        WHERE p.lineage_id = s.pilot_lineage_id ORDER BY wi.revision DESC LIMIT 1) pl ON true
        CROSS JOIN unnest($1::text[], $2::date[], $3::date[]) AS q(code, starts, ends)
        WHERE ($4::int IS NULL OR s.unit_id = $4)
          AND (s.created_at AT TIME ZONE 'Asia/Shanghai')::date < date_trunc('month', q.ends)::date
          AND (s.accepted_on IS NULL OR s.accepted_on > q.ends)`,
      [codes, starts, ends, unitId],
    );
  }

  /** The survey centre's quarterly return (区县改革满意度, 每季度更新一次), due the quarter's last day. */
  async satisfactionItems(quarters: string[], unitId: number | null): Promise<DueRow[]> {
    const [codes, , ends] = quarterArrays(quarters);
    return this.dataSource.query(
      `SELECT 'satisfaction' AS item_key, q.code AS period, u.id AS unit_id, u.name AS unit_name,
              '区县改革满意度' AS title, to_char(q.ends, 'YYYY-MM-DD') AS due_on,
              ${STATUS_OF(
                `satisfaction_returns r JOIN workflow_items wi ON wi.id = r.id WHERE r.quarter = q.code`,
              )} AS status
         FROM units u CROSS JOIN unnest($1::text[], $2::date[]) AS q(code, ends)
        WHERE u.active AND 'survey_center' = ANY(u.capabilities) AND ($3::int IS NULL OR u.id = $3)`,
      [codes, ends, unitId],
    );
  }

  /**
   * Each accelerating project's owed months with a due day in [from, to] (see PROJECT_MONTH_ITEMS):
   * its indicator report, or the status updates of its month's plans.
   */
  async projectItems(
    kind: keyof typeof PROJECT_MONTH_ITEMS,
    months: [string[], string[]],
    from: string,
    to: string,
    unitId: number | null,
  ): Promise<DueRow[]> {
    return this.dataSource.query(
      `WITH ${projectMonthsSql('$1', '$2')}${PROJECT_MONTH_ITEMS[kind]}`,
      [months[0], months[1], from, to, unitId],
    );
  }
}

/** The reminders' and 催报's writes, inside the caller's transaction. */
export const ReminderWrites = {
  /** Records a reminder; false when it was sent before (the unique key: module, item, period, kind). */
  async claim(
    runner: SqlRunner,
    item: { module: string; itemKey: string; period: string; unitId: number; dueOn: string },
    kind: string,
  ): Promise<boolean> {
    const rows = (await runner.query(
      `INSERT INTO reminders_sent (module, item_key, period, kind, unit_id, due_on) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (module, item_key, period, kind) DO NOTHING RETURNING id`,
      [item.module, item.itemKey, item.period, kind, item.unitId, item.dueOn],
    )) as unknown[];
    return rows.length > 0;
  },

  /** Notifies the active users of a unit holding one of the roles; returns how many. */
  async notifyUnit(
    runner: SqlRunner,
    unitId: number,
    roles: string[],
    kind: 'reminder' | 'urge',
    message: string,
    link: string,
  ): Promise<number> {
    const rows = (await runner.query(
      `INSERT INTO notifications (user_id, kind, message, link)
       SELECT id, $3, $4, $5 FROM users WHERE unit_id = $1 AND roles && $2::text[] AND active RETURNING id`,
      [unitId, roles, kind, message.slice(0, 400), link],
    )) as unknown[];
    return rows.length;
  },

  /** Notifies every active office user (role office in the office unit). */
  async notifyOffice(
    runner: SqlRunner,
    kind: 'reminder' | 'report',
    message: string,
    link: string,
  ): Promise<void> {
    await runner.query(
      `INSERT INTO notifications (user_id, kind, message, link)
       SELECT us.id, $1, $2, $3 FROM users us JOIN units u ON u.id = us.unit_id
        WHERE u.kind = 'office' AND 'office' = ANY(us.roles) AND us.active`,
      [kind, message.slice(0, 400), link],
    );
  },

  /** Records a 催报; false when the unit was already urged for the module today. */
  async claimUrge(
    runner: SqlRunner,
    urge: {
      unitId: number;
      module: string;
      period: string;
      today: string;
      count: number;
      by: string;
    },
  ): Promise<boolean> {
    const rows = (await runner.query(
      `INSERT INTO urge_log (unit_id, module, period, urged_on, item_count, urged_by) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (unit_id, module, urged_on) DO NOTHING RETURNING id`,
      [urge.unitId, urge.module, urge.period, urge.today, urge.count, urge.by],
    )) as unknown[];
    return rows.length > 0;
  },

  async urgedToday(
    runner: SqlRunner,
    today: string,
  ): Promise<{ unit_id: number; module: string }[]> {
    return (await runner.query(`SELECT unit_id, module FROM urge_log WHERE urged_on = $1`, [
      today,
    ])) as { unit_id: number; module: string }[];
  },
};
