import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth-context.js';
import {
  CONTROL_CHARACTER_MESSAGE,
  FormInvalidException,
  hasControlCharacters,
} from '../common/forms/form-validation.js';
import { parseChinaDate } from '../common/time/china-time.js';
import { DeadlineQueries } from './deadlines.queries.js';
import type { ReminderSettings } from './due-items.js';
import { WorkCalendar, type CalendarDayKind } from './work-calendar.js';

export const CALENDAR_KIND_LABELS: Record<CalendarDayKind, string> = {
  holiday: '休（放假）',
  workday: '班（调休上班）',
};

/**
 * The work calendar and reminder settings as data: read fresh from the database each time (a few
 * dozen rows a year), so every instance sees the admin's change at once.
 */
@Injectable()
export class WorkCalendarService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly queries: DeadlineQueries,
    private readonly audit: AuditService,
  ) {}

  async calendar(): Promise<WorkCalendar> {
    const rows = await this.queries.calendarRows();
    return new WorkCalendar(new Map(rows.map((row) => [row.day, row.kind])));
  }

  async days(year?: number) {
    const rows = await this.queries.calendarRows();
    return rows
      .filter((row) => year === undefined || row.day.startsWith(`${year}-`))
      .map((row) => ({ ...row, kindLabel: CALENDAR_KIND_LABELS[row.kind] }));
  }

  async settings(): Promise<ReminderSettings> {
    const row = await this.queries.settings();
    return { daysBefore: row.days_before, officeGraceDays: row.office_grace_days };
  }

  /** Marks a day 休 or 班 (or clears it), and moves the stored due day of that month's reports. */
  async saveDay(form: { day: string; kind: string; note: string }, admin: AuthUser): Promise<void> {
    const day = parseChinaDate(form.day);
    const errors: Record<string, string[]> = {};
    if (!day) {
      errors.day = ['请填写有效的日期（年-月-日）'];
    }
    if (!['holiday', 'workday', 'clear'].includes(form.kind)) {
      errors.kind = ['请选择“休”“班”或“恢复为正常”'];
    }
    if (hasControlCharacters(form.note)) {
      errors.note = [CONTROL_CHARACTER_MESSAGE];
    } else if (form.note.length > 50) {
      errors.note = ['说明不超过 50 个字'];
    }
    if (Object.keys(errors).length > 0 || !day) {
      throw new FormInvalidException(errors);
    }
    await this.dataSource.transaction(async (manager) => {
      if (form.kind === 'clear') {
        await this.queries.deleteCalendarDay(manager, day);
      } else {
        await this.queries.upsertCalendarDay(manager, day, form.kind as CalendarDayKind, form.note);
      }
      const rows = await this.queries.calendarRows();
      const calendar = new WorkCalendar(new Map(rows.map((row) => [row.day, row.kind])));
      const month = day.slice(0, 7);
      await this.queries.refreshIndicatorReportDueDay(
        manager,
        month,
        calendar.lastWorkingDayOfMonth(month),
      );
      await this.audit.record(
        {
          action: 'work_calendar_updated',
          actor: admin,
          target: { type: 'work_calendar', id: day, label: day },
          detail: { kind: form.kind, note: form.note },
        },
        manager,
      );
    });
  }

  async saveSettings(form: { daysBefore: string; officeGraceDays: string }, admin: AuthUser) {
    const errors: Record<string, string[]> = {};
    const parse = (value: string, field: string, max: number) => {
      const number = /^\d{1,2}$/.test(value.trim()) ? Number(value) : Number.NaN;
      if (!(number >= 0 && number <= max)) {
        errors[field] = [`请填写 0 到 ${max} 之间的整数天数`];
      }
      return number;
    };
    const daysBefore = parse(form.daysBefore, 'daysBefore', 30);
    const officeGraceDays = parse(form.officeGraceDays, 'officeGraceDays', 60);
    if (Object.keys(errors).length > 0) {
      throw new FormInvalidException(errors);
    }
    await this.dataSource.transaction(async (manager) => {
      await this.queries.saveSettings(manager, daysBefore, officeGraceDays);
      await this.audit.record(
        {
          action: 'reminder_settings_updated',
          actor: admin,
          target: { type: 'reminder_settings', id: 1, label: '报送提醒设置' },
          detail: { daysBefore, officeGraceDays },
        },
        manager,
      );
    });
  }
}
