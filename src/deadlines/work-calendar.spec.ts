import { remindersDue } from './due-items.js';
import { WorkCalendar, quartersEndingBetween } from './work-calendar.js';
import { daily, nextRun } from '../scheduler/schedule.js';

/** The 2026 State Council holiday notice, as the migration seeds it (a few of its days). */
const calendar2026 = new WorkCalendar(
  new Map([
    ['2026-02-15', 'holiday'],
    ['2026-02-23', 'holiday'],
    ['2026-02-28', 'workday'],
    ['2026-09-20', 'workday'],
    ['2026-09-25', 'holiday'],
    ['2026-10-01', 'holiday'],
    ['2026-10-02', 'holiday'],
    ['2026-10-05', 'holiday'],
    ['2026-10-06', 'holiday'],
    ['2026-10-07', 'holiday'],
    ['2026-10-10', 'workday'],
    ['2026-12-31', 'holiday'], // invented: to see the rule step back over a holiday
  ] as const),
);

describe('work calendar', () => {
  it.each([
    ['2026-10', '2026-10-30'], // the 31st is a Saturday: Friday 30 October
    ['2026-09', '2026-09-30'], // a Wednesday, the eve of National Day
    ['2026-02', '2026-02-28'], // Saturday 28 February is a make-up working day (春节调休上班)
    ['2026-05', '2026-05-29'], // the 31st a Sunday, the 30th a Saturday
    ['2026-12', '2026-12-30'], // the 31st made a holiday: Wednesday 30 December
  ])('should give the last working day of %s as %s', (month, day) => {
    expect(calendar2026.lastWorkingDayOfMonth(month)).toBe(day);
  });

  it('should skip weekends only when no adjustment is kept', () => {
    expect(WorkCalendar.WEEKENDS_ONLY.lastWorkingDayOfMonth('2026-02')).toBe('2026-02-27');
    expect(WorkCalendar.WEEKENDS_ONLY.isWorkingDay('2026-10-01')).toBe(true);
    expect(calendar2026.isWorkingDay('2026-10-01')).toBe(false);
    expect(calendar2026.isWorkingDay('2026-10-10')).toBe(true); // a Saturday worked
    expect(calendar2026.workingDayOnOrBefore('2026-10-07')).toBe('2026-09-30');
  });

  it('should list the quarters ending in a range', () => {
    expect(quartersEndingBetween('2026-08-28', '2026-12-31')).toEqual(['2026-Q3', '2026-Q4']);
    expect(quartersEndingBetween('2026-10-01', '2026-12-30')).toEqual([]);
  });
});

describe('reminders due on a day', () => {
  const settings = { daysBefore: 3, officeGraceDays: 3 };
  const due = (dueOn: string, status: 'not_filed' | 'reviewing' | 'approved' = 'not_filed') => ({
    dueOn,
    status,
  });

  it.each([
    ['2026-10-26', []], // four days before Friday 30 October: nothing yet
    ['2026-10-27', ['before']], // three days before
    ['2026-10-29', ['before']],
    ['2026-10-30', ['due_day']],
    ['2026-10-31', ['overdue']],
    ['2026-11-02', ['overdue']], // three days late: still the unit's own
    ['2026-11-03', ['overdue', 'overdue_office']], // four days late: the office too
  ])('on %s for a filing due 2026-10-30 should owe %j', (today, kinds) => {
    expect(remindersDue(due('2026-10-30'), today, settings)).toEqual(kinds);
  });

  it('should owe nothing for a filing already made', () => {
    expect(remindersDue(due('2026-10-30', 'reviewing'), '2026-10-31', settings)).toEqual([]);
    expect(remindersDue(due('2026-10-30', 'approved'), '2026-10-30', settings)).toEqual([]);
  });

  it('should send no reminder before when the setting is 0', () => {
    expect(remindersDue(due('2026-10-30'), '2026-10-29', { ...settings, daysBefore: 0 })).toEqual(
      [],
    );
  });
});

describe('schedule', () => {
  it('should run daily at 08:00 China time (00:00 UTC), the next day once past', () => {
    const at8 = daily('08:00');
    expect(nextRun(at8, new Date('2026-10-27T07:00:00+08:00')).toISOString()).toBe(
      '2026-10-27T00:00:00.000Z',
    );
    expect(nextRun(at8, new Date('2026-10-27T08:00:00+08:00')).toISOString()).toBe(
      '2026-10-28T00:00:00.000Z',
    );
    // Down for three days: the next run is computed from now, so the catch-up runs once.
    expect(nextRun(at8, new Date('2026-10-30T09:15:00+08:00')).toISOString()).toBe(
      '2026-10-31T00:00:00.000Z',
    );
  });
});
