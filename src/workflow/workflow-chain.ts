import { labelledCodes } from '../common/codes/labelled-codes.js';
import type { RoleCode } from '../auth/roles.js';

export const { codes: WORKFLOW_STATES, labels: WORKFLOW_STATE_LABELS } = labelledCodes({
  draft: '草稿',
  pending: '审核中',
  approved: '已通过',
  returned: '已退回',
});
export type WorkflowState = (typeof WORKFLOW_STATES)[number];

/**
 * Who acts at a step: the record's own unit's reviewer, the competent department's entry clerk
 * (pilots), or the reform office.
 */
export type StepActor = 'own_reviewer' | 'competent_entry' | 'office';

/** What a reviewer may decide at a step. The last step's positive decision approves the record. */
export type StepDecision = 'pass' | 'confirm' | 'issue' | 'reject' | 'return';

export interface ChainStep {
  actor: StepActor;
  /** Shown in the timeline and the inbox, e.g. 「本单位审核」. */
  label: string;
  /** The positive decision at this step and its button text. */
  advance: { action: 'pass' | 'confirm' | 'issue'; label: string };
  /** Sending back: every step may reject; the office's final step may also return for improvement. */
  sendBack: readonly ('reject' | 'return')[];
}

export interface WorkflowChain {
  steps: readonly ChainStep[];
  /**
   * The record is the deciding step's own act, not a submission for review (the office adding a
   * topic of its own to a meeting's agenda): its filer may take that step. Every other chain
   * keeps the rule that nobody acts on two consecutive steps.
   */
  filerDecides?: boolean;
}

export const STEP_ACTOR_ROLE: Record<StepActor, RoleCode> = {
  own_reviewer: 'reviewer',
  competent_entry: 'entry',
  office: 'office',
};

/** A step of `actor`: every step may reject; the office's may also return for improvement. */
function step(
  actor: StepActor,
  label: string,
  action: ChainStep['advance']['action'],
  actionLabel: string,
): ChainStep {
  const sendBack: ChainStep['sendBack'] = actor === 'office' ? ['return', 'reject'] : ['reject'];
  return { actor, label, advance: { action, label: actionLabel }, sendBack };
}

/** The usual steps, composed into the chains of DESIGN §2. */
export const OWN_REVIEWER_STEP = step('own_reviewer', '本单位审核', 'pass', '通过');
export const OFFICE_FINAL_STEP = step('office', '市委改革办审核', 'confirm', '确认');
export const OFFICE_ISSUE_STEP = step('office', '市委改革办确认下发', 'issue', '确认下发');
export const COMPETENT_CONFIRM_STEP = step(
  'competent_entry',
  '主管部门确认分发',
  'confirm',
  '确认分发',
);
export const COMPETENT_REVIEW_STEP = step('competent_entry', '主管部门审核', 'pass', '通过');

/** The office files the record itself or reviews another unit's return directly (满意度). */
export const OFFICE_ONLY_STEP: ChainStep = { ...OFFICE_FINAL_STEP };

export const CHAINS = {
  ownReviewerThenOffice: { steps: [OWN_REVIEWER_STEP, OFFICE_FINAL_STEP] },
  ownReviewerThenCompetentConfirm: { steps: [OWN_REVIEWER_STEP, COMPETENT_CONFIRM_STEP] },
  ownReviewerThenCompetentThenOffice: {
    steps: [OWN_REVIEWER_STEP, COMPETENT_REVIEW_STEP, OFFICE_FINAL_STEP],
  },
  ownReviewerThenOfficeIssue: { steps: [OWN_REVIEWER_STEP, OFFICE_ISSUE_STEP] },
  officeOnly: { steps: [OFFICE_ONLY_STEP] },
} satisfies Record<string, WorkflowChain>;
