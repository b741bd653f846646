import { Controller, Get, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Call, type Caller, Roles } from '../auth/auth.decorators.js';
import { unlessRefused, formValues, type FieldErrors } from '../common/forms/form-validation.js';
import { setFlash } from '../common/http/flash.js';
import { optionalInt } from '../common/http/params.js';
import { seeOther } from '../common/htmx/htmx-request.js';
import { chinaDate } from '../common/time/china-time.js';
import { Clock } from '../common/time/clock.js';
import { SchedulerService } from '../scheduler/scheduler.service.js';
import { describeSchedule } from '../scheduler/schedule.js';
import { WorkCalendarService } from './work-calendar.service.js';

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

/** 节假日与报送提醒: the admin keeps the 休/班 days and the reminder settings as data. */
@Controller('admin/work-calendar')
@Roles('admin')
export class WorkCalendarController {
  constructor(
    private readonly calendars: WorkCalendarService,
    private readonly scheduler: SchedulerService,
    private readonly clock: Clock,
  ) {}

  @Get()
  async index(@Query('year') yearParam: unknown, @Res() reply: FastifyReply) {
    return this.render(reply, 200, optionalInt(yearParam, 'year', 2017, 2100));
  }

  @Post('days')
  async saveDay(@Call() { body, user: admin, request }: Caller, @Res() reply: FastifyReply) {
    const form = { day: text(body?.day), kind: text(body?.kind), note: text(body?.note) };
    return unlessRefused(
      async () => {
        await this.calendars.saveDay(form, admin);
        setFlash(reply, 'success', `已保存 ${form.day} 的安排；该月的报送截止日已按新安排重新计算`);
        return seeOther(request, reply, `/admin/work-calendar?year=${form.day.slice(0, 4)}`);
      },
      (errors) => this.render(reply, 422, undefined, { day: formValues(body) }, errors),
    );
  }

  @Post('settings')
  async saveSettings(@Call() { body, user: admin, request }: Caller, @Res() reply: FastifyReply) {
    const form = {
      daysBefore: text(body?.daysBefore),
      officeGraceDays: text(body?.officeGraceDays),
    };
    return unlessRefused(
      async () => {
        await this.calendars.saveSettings(form, admin);
        setFlash(reply, 'success', '报送提醒设置已保存');
        return seeOther(request, reply, '/admin/work-calendar');
      },
      (errors) => this.render(reply, 422, undefined, { settings: formValues(body) }, errors),
    );
  }

  private async render(
    reply: FastifyReply,
    status: number,
    year: number | undefined,
    values: { day?: Record<string, unknown>; settings?: Record<string, unknown> } = {},
    errors: FieldErrors = {},
  ) {
    const today = chinaDate(this.clock.now());
    const shownYear = year ?? Number(today.slice(0, 4));
    const settings = await this.calendars.settings();
    const jobs = await this.scheduler.jobTable();
    const schedules = new Map(
      this.scheduler.registered().map((job) => [job.name, describeSchedule(job.schedule)]),
    );
    return reply.code(status).view('deadlines/calendar.hbs', {
      title: '节假日与报送提醒',
      year: shownYear,
      years: [shownYear - 1, shownYear, shownYear + 1],
      days: await this.calendars.days(shownYear),
      settings: values.settings ?? settings,
      dayValues: values.day ?? {},
      errors,
      jobs: jobs.map((job) => ({ ...job, scheduleText: schedules.get(job.name) ?? '—' })),
    });
  }
}
