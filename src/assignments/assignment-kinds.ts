export const ASSIGNMENT_KINDS = ['demand_list', 'blocker', 'meeting_decision'] as const;
export type AssignmentKind = (typeof ASSIGNMENT_KINDS)[number];

/** What differs between the demand list (需求清单) and blockers (堵点卡点): words and paths. */
export interface AssignmentKindProfile {
  kind: AssignmentKind;
  /** The progress record type registered with the workflow engine. */
  progressType: string;
  label: string;
  progressLabel: string;
  moduleLabel: string;
  /** Office pages: the list of assigned items. */
  officePath: string;
}

export const ASSIGNMENT_PROFILES: Record<AssignmentKind, AssignmentKindProfile> = {
  demand_list: {
    kind: 'demand_list',
    progressType: 'demand_task_progress',
    label: '需求清单任务',
    progressLabel: '需求清单推进情况',
    moduleLabel: '改革需求管理',
    officePath: '/demand-list',
  },
  blocker: {
    kind: 'blocker',
    progressType: 'blocker_progress',
    label: '堵点卡点',
    progressLabel: '堵点卡点反馈',
    moduleLabel: '堵点卡点管理',
    officePath: '/blockers',
  },
  meeting_decision: {
    kind: 'meeting_decision',
    progressType: 'meeting_decision_progress',
    label: '议定事项',
    progressLabel: '议定事项落实反馈',
    moduleLabel: '深改委会议管理',
    officePath: '/meetings/decisions',
  },
};
