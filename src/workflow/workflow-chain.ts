import { labelledCodes } from '../common/codes/labelled-codes.js';
import type { RoleCode } from '../auth/roles.js';

const STATES = labelledCodes({
  draft: '草稿',
  pending: '审核中',
  approved: '已通过',
  returned: '已退回',
});
export const WORKFLOW_STATES = STATES.codes;
export type WorkflowState = (typeof WORKFLOW_STATES)[number];
export const WORKFLOW_STATE_LABELS = STATES.labels;

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

/** The usual steps, composed into the chains of DESIGN §2. */
export const OWN_REVIEWER_STEP: ChainStep = {
  actor: 'own_reviewer',
  label: '本单位审核',
  advance: { action: 'pass', label: '通过' },
  sendBack: ['reject'],
};

export const OFFICE_FINAL_STEP: ChainStep = {
  actor: 'office',
  label: '市委改革办审核',
  advance: { action: 'confirm', label: '确认' },
  sendBack: ['return', 'reject'],
};

export const OFFICE_ISSUE_STEP: ChainStep = {
  actor: 'office',
  label: '市委改革办确认下发',
  advance: { action: 'issue', label: '确认下发' },
  sendBack: ['return', 'reject'],
};

export const COMPETENT_CONFIRM_STEP: ChainStep = {
  actor: 'competent_entry',
  label: '主管部门确认分发',
  advance: { action: 'confirm', label: '确认分发' },
  sendBack: ['reject'],
};

export const COMPETENT_REVIEW_STEP: ChainStep = {
  actor: 'competent_entry',
  label: '主管部门审核',
  advance: { action: 'pass', label: '通过' },
  sendBack: ['reject'],
};

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
