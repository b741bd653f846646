import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { chinaDate } from '../common/time/china-time.js';
import { daily } from '../scheduler/schedule.js';
import { SchedulerService } from '../scheduler/scheduler.service.js';
import { DeadlineRegistry } from './deadline-registry.js';
import { ReminderWrites } from './deadlines.queries.js';
import { reminderWindow, remindersDue, type DueItem, type ReminderKind } from './due-items.js';
import { daysBetween } from './work-calendar.js';
import { WorkCalendarService } from './work-calendar.service.js';

export const REMINDER_JOB = 'deadlines.reminders';

export interface ReminderRunResult {
  /** Reminders recorded by this run, by kind. */
  sent: Record<ReminderKind, number>;
  notifications: number;
}

/**
 * 报送提醒: every morning (08:00 China time, and once on catch-up after downtime) each due item that
 * is not filed gets the reminder its day calls for (remindersDue): N days before and on the day to
 * the unit's clerks, overdue to its clerks and reviewers, and after the grace days one summary to
 * the office. Each reminder is recorded under a unique key (module, item, period, kind) in the same
 * transaction as its notifications, so it is sent once however many instances or runs there are.
 */
@Injectable()
export class RemindersService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: DeadlineRegistry,
    private readonly calendars: WorkCalendarService,
    private readonly scheduler: SchedulerService,
  ) {}

  onModuleInit(): void {
    this.scheduler.register({
      name: REMINDER_JOB,
      schedule: daily('08:00'),
      run: async (now) => {
        await this.run(now);
      },
    });
  }

  async run(now: Date): Promise<ReminderRunResult> {
    const today = chinaDate(now);
    const settings = await this.calendars.settings();
    const calendar = await this.calendars.calendar();
    const window = reminderWindow(today, settings);
    const items = await this.registry.items({ ...window, calendar });
    const labels = new Map(this.registry.all().map((source) => [source.module, source.label]));
    const sent: Record<ReminderKind, number> = {
      before: 0,
      due_day: 0,
      overdue: 0,
      overdue_office: 0,
    };
    let notifications = 0;
    await this.dataSource.transaction(async (manager) => {
      const escalated: DueItem[] = [];
      for (const item of items) {
        for (const kind of remindersDue(item, today, settings)) {
          if (!(await ReminderWrites.claim(manager, item, kind))) {
            continue;
          }
          sent[kind] += 1;
          if (kind === 'overdue_office') {
            escalated.push(item);
            continue;
          }
          const subject = `${labels.get(item.module) ?? ''}《${item.title.slice(0, 80)}》（${item.periodLabel}）`;
          const message =
            kind === 'before'
              ? `【报送提醒】${subject}应于 ${item.dueOn} 前报送，还有 ${daysBetween(today, item.dueOn)} 天`
              : kind === 'due_day'
                ? `【今日截止】${subject}今天（${item.dueOn}）截止报送，请及时填报并提醒审核`
                : `【已逾期】${item.unitName}的${subject}应于 ${item.dueOn} 前报送，至今未报送`;
          notifications += await ReminderWrites.notifyUnit(
            manager,
            item.unitId,
            kind === 'overdue' ? ['entry', 'reviewer'] : ['entry'],
            'reminder',
            message,
            item.link,
          );
        }
      }
      if (escalated.length > 0) {
        const units = new Set(escalated.map((item) => item.unitId));
        await ReminderWrites.notifyOffice(
          manager,
          'reminder',
          `【逾期转报】${escalated.length} 项填报逾期超过 ${settings.officeGraceDays} 天仍未报送，涉及 ${units.size} 个单位：${[
            ...new Set(escalated.map((item) => item.unitName)),
          ]
            .slice(0, 10)
            .join('、')}${units.size > 10 ? '等' : ''}`,
          '/reporting-progress?status=overdue',
        );
      }
    });
    return { sent, notifications };
  }
}
