import { labelledCodes } from '../common/codes/labelled-codes.js';

/** The words of 深改委会议管理: meeting kinds and states, topic kinds, 审议结果, decision states. */
export const MEETING_KINDS = labelledCodes({ plenary: '全体会议', special: '专题会议' });
export type MeetingKind = (typeof MEETING_KINDS.codes)[number];

export const MEETING_STATUSES = labelledCodes({ preparing: '筹备中', held: '已召开' });
export type MeetingStatus = (typeof MEETING_STATUSES.codes)[number];

export const TOPIC_KINDS = labelledCodes({
  review_document: '审议文件',
  hear_report: '听取汇报',
  study_matter: '研究事项',
});
export type TopicKind = (typeof TOPIC_KINDS.codes)[number];

export const TOPIC_RESULTS = labelledCodes({
  passed: '审议通过',
  passed_in_principle: '原则通过',
  revise_resubmit: '修改完善后再审',
  not_passed: '不予通过',
});
export type TopicResult = (typeof TOPIC_RESULTS.codes)[number];

/**
 * Where one unit's task of a 议定事项 stands, first match wins: 已销号 (the office closed it),
 * 已逾期 (deadline passed, no approved feedback), 待季度更新 (no approved feedback this quarter),
 * 已完成待销号 (approved feedback says done), 推进中 / 未启动 (latest approved feedback), 未反馈.
 */
export const DECISION_STATES = labelledCodes({
  closed: '已销号',
  overdue: '已逾期',
  quarterly_due: '待季度更新',
  awaiting_close: '已完成待销号',
  in_progress: '推进中',
  awaiting_feedback: '待首次反馈',
});
export type DecisionState = (typeof DECISION_STATES.codes)[number];

export function decisionState(facts: {
  closed: boolean;
  overdue: boolean;
  quarterlyDue: boolean;
  latestStatus: string | null;
}): DecisionState {
  if (facts.closed) {
    return 'closed';
  }
  if (facts.overdue) {
    return 'overdue';
  }
  if (facts.quarterlyDue) {
    return 'quarterly_due';
  }
  if (facts.latestStatus === 'completed') {
    return 'awaiting_close';
  }
  return facts.latestStatus ? 'in_progress' : 'awaiting_feedback';
}

/** The files a 拟审议文件 / 会议纪要 field accepts: PDF and Word. */
export function isPdfOrWord(fileName: string): boolean {
  return /\.(pdf|docx?)$/i.test(fileName);
}
