import { taskFlags, type TaskDueFacts } from './task-due-rules.js';

// All instants are written in China time (+08:00) to match the business calendar.
const at = (iso: string) => new Date(iso);

const fresh: TaskDueFacts = {
  deadline: '2026-03-31',
  latestStatus: null,
  firstApprovedAt: null,
  latestApprovedAt: null,
};

/** A task in progress whose first approved progress (the latest too) came at `iso`. */
const approvedOnce = (iso: string): TaskDueFacts => ({
  ...fresh,
  latestStatus: 'in_progress',
  firstApprovedAt: at(iso),
  latestApprovedAt: at(iso),
});

describe('taskFlags (due rules of demand-list tasks and blockers)', () => {
  it('should not be overdue on the deadline day itself', () => {
    expect(taskFlags(fresh, at('2026-03-31T23:59:00+08:00'))).toEqual({
      completed: false,
      overdue: false,
      quarterlyDue: false,
    });
  });

  it('should be overdue from the day after the deadline while nothing is approved', () => {
    // 2026-03-31T16:30Z is already 2026-04-01 00:30 in China.
    expect(taskFlags(fresh, at('2026-03-31T16:30:00Z')).overdue).toBe(true);
  });

  it('should stop being overdue once a first progress is approved, even late', () => {
    const facts = approvedOnce('2026-04-10T10:00:00+08:00');
    expect(taskFlags(facts, at('2026-05-01T10:00:00+08:00'))).toEqual({
      completed: false,
      overdue: false,
      quarterlyDue: false,
    });
  });

  it('should ask for a quarterly update once a new quarter starts without an approved progress', () => {
    const facts = approvedOnce('2026-03-20T10:00:00+08:00');
    expect(taskFlags(facts, at('2026-03-31T23:59:00+08:00')).quarterlyDue).toBe(false);
    expect(taskFlags(facts, at('2026-04-01T00:00:00+08:00')).quarterlyDue).toBe(true);
    // Approved in the new quarter: not due again until July.
    const updated = { ...facts, latestApprovedAt: at('2026-04-02T09:00:00+08:00') };
    expect(taskFlags(updated, at('2026-06-30T12:00:00+08:00')).quarterlyDue).toBe(false);
    expect(taskFlags(updated, at('2026-07-01T08:00:00+08:00')).quarterlyDue).toBe(true);
  });

  it('should never flag a task whose approved progress says 已完成', () => {
    const done: TaskDueFacts = {
      deadline: '2026-01-31',
      latestStatus: 'completed',
      firstApprovedAt: at('2026-01-15T10:00:00+08:00'),
      latestApprovedAt: at('2026-01-15T10:00:00+08:00'),
    };
    expect(taskFlags(done, at('2026-12-01T10:00:00+08:00'))).toEqual({
      completed: true,
      overdue: false,
      quarterlyDue: false,
    });
  });
});
