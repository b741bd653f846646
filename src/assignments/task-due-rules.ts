import { labelledCodes } from '../common/codes/labelled-codes.js';
import { chinaDate, startOfChinaQuarter } from '../common/time/china-time.js';

/** 推进状态 of a task's (or a pilot stream's) progress filing. */
export const { codes: TASK_STATUSES, labels: TASK_STATUS_LABELS } = labelledCodes({
  not_started: '未启动',
  in_progress: '推进中',
  completed: '已完成',
});
export type TaskStatus = (typeof TASK_STATUSES)[number];

export interface TaskDueFacts {
  /** The feedback deadline (反馈时限), a China calendar date YYYY-MM-DD. */
  deadline: string;
  latestStatus: TaskStatus | null;
  firstApprovedAt: Date | null;
  latestApprovedAt: Date | null;
}

export interface TaskFlags {
  completed: boolean;
  /** 已逾期: the deadline day has passed and no progress has been approved yet. */
  overdue: boolean;
  /** 待季度更新: not completed, and the current quarter has no approved progress yet. */
  quarterlyDue: boolean;
}

/**
 * The due rules of seed 000 (四(一)3, 四(四)3): first filing by the deadline, then one every
 * quarter until an approved progress says 已完成. The SQL of the task lists uses the same two
 * cut-offs (`dueCutoffs`), so pages and this function agree.
 */
export function taskFlags(facts: TaskDueFacts, now: Date): TaskFlags {
  const { today, quarterStart } = dueCutoffs(now);
  const completed = facts.latestStatus === 'completed';
  return {
    completed,
    overdue: !completed && facts.firstApprovedAt === null && facts.deadline < today,
    quarterlyDue:
      !completed && facts.latestApprovedAt !== null && facts.latestApprovedAt < quarterStart,
  };
}

export function dueCutoffs(now: Date): { today: string; quarterStart: Date } {
  return { today: chinaDate(now), quarterStart: startOfChinaQuarter(now) };
}
