import { labelledCodes } from '../common/codes/labelled-codes.js';
import type { RoleCode } from '../auth/roles.js';
import type { UnitKind } from '../units/unit-kinds.js';
import {
  STEP_ACTOR_ROLE,
  type ChainStep,
  type WorkflowChain,
  type WorkflowState,
} from './workflow-chain.js';

/**
 * The review workflow as pure rules: which actions a user may take on a record in a given
 * position of its chain, and where each action leads. No database, no HTTP.
 */
export const { codes: WORKFLOW_ACTIONS, labels: WORKFLOW_ACTION_LABELS } = labelledCodes({
  submit: '保存并上报',
  withdraw: '撤回',
  pass: '通过',
  confirm: '确认',
  issue: '确认下发',
  reject: '驳回',
  return: '退回完善',
  revise: '发起变更',
});
export type WorkflowAction = (typeof WORKFLOW_ACTIONS)[number];

/** Where a record stands. `step` is the index of the chain step that must act (pending only). */
export interface WorkflowPosition {
  state: WorkflowState;
  step: number | null;
  ownerUnitId: number;
  /** The competent department (pilots); null for chains without such a step. */
  competentUnitId: number | null;
  lastActorId: string | null;
  lastAction: WorkflowAction | null;
  /** False for an approved revision that a newer revision has replaced or is replacing. */
  openForRevision: boolean;
  /** Who moved the record into its current pending step (absent: nobody known). */
  stepEnteredBy?: string | null;
}

export interface WorkflowActor {
  id: string;
  unitId: number;
  unitKind: UnitKind;
  roles: readonly RoleCode[];
}

export interface ActionOption {
  action: WorkflowAction;
  label: string;
  /** reject and return need a reason from the dictionary and a detail text. */
  needsReason: boolean;
}

function actsAtStep(step: ChainStep, position: WorkflowPosition, actor: WorkflowActor): boolean {
  if (!actor.roles.includes(STEP_ACTOR_ROLE[step.actor])) {
    return false;
  }
  switch (step.actor) {
    case 'own_reviewer':
      return actor.unitId === position.ownerUnitId;
    case 'competent_entry':
      return position.competentUnitId !== null && actor.unitId === position.competentUnitId;
    case 'office':
      return actor.unitKind === 'office';
  }
}

function isOwnersClerk(position: WorkflowPosition, actor: WorkflowActor): boolean {
  return actor.roles.includes('entry') && actor.unitId === position.ownerUnitId;
}

/**
 * Nobody acts on two consecutive steps of one record, whatever roles they hold (DESIGN §2): whoever
 * submitted it, or passed it into the current step, may not act at that step (withdrawing stays
 * possible).
 */
export function actedOnPreviousStep(position: WorkflowPosition, actor: WorkflowActor): boolean {
  return (
    position.state === 'pending' &&
    position.stepEnteredBy !== undefined &&
    position.stepEnteredBy !== null &&
    position.stepEnteredBy === actor.id
  );
}

/**
 * The current step is one this user's roles and unit would act at, but they acted on the step
 * before: the record waits for another reviewer (待办 shows it as 等待其他审核人员).
 */
export function waitsForAnotherReviewer(
  position: WorkflowPosition,
  chain: WorkflowChain,
  actor: WorkflowActor,
): boolean {
  const step = currentStep(position, chain);
  return Boolean(
    step &&
    !chain.filerDecides &&
    actsAtStep(step, position, actor) &&
    actedOnPreviousStep(position, actor),
  );
}

/** True while the owner's clerk may change the content (draft, or returned for a fix). */
export function isEditable(position: WorkflowPosition, actor: WorkflowActor): boolean {
  return (
    (position.state === 'draft' || position.state === 'returned') && isOwnersClerk(position, actor)
  );
}

export function currentStep(
  position: WorkflowPosition,
  chain: WorkflowChain,
): ChainStep | undefined {
  return position.state === 'pending' && position.step !== null
    ? chain.steps[position.step]
    : undefined;
}

/** The actions this user may take now, in the order the buttons are shown. */
export function allowedActions(
  position: WorkflowPosition,
  chain: WorkflowChain,
  actor: WorkflowActor,
): ActionOption[] {
  const options: ActionOption[] = [];
  if (isEditable(position, actor)) {
    options.push({ action: 'submit', label: WORKFLOW_ACTION_LABELS.submit, needsReason: false });
  }
  const step = currentStep(position, chain);
  if (
    step &&
    actsAtStep(step, position, actor) &&
    (chain.filerDecides || !actedOnPreviousStep(position, actor))
  ) {
    options.push({ action: step.advance.action, label: step.advance.label, needsReason: false });
    for (const sendBack of step.sendBack) {
      options.push({
        action: sendBack,
        label: WORKFLOW_ACTION_LABELS[sendBack],
        needsReason: true,
      });
    }
  }
  // Whoever acted last may pull the record back while the next step has not acted: had it acted,
  // it would be the last actor.
  if (
    position.state === 'pending' &&
    position.lastActorId === actor.id &&
    (position.lastAction === 'submit' ||
      position.lastAction === 'pass' ||
      position.lastAction === 'confirm')
  ) {
    options.push({
      action: 'withdraw',
      label: WORKFLOW_ACTION_LABELS.withdraw,
      needsReason: false,
    });
  }
  if (position.state === 'approved' && position.openForRevision && isOwnersClerk(position, actor)) {
    options.push({ action: 'revise', label: WORKFLOW_ACTION_LABELS.revise, needsReason: false });
  }
  return options;
}

export function mayTake(
  position: WorkflowPosition,
  chain: WorkflowChain,
  actor: WorkflowActor,
  action: WorkflowAction,
): boolean {
  return allowedActions(position, chain, actor).some((option) => option.action === action);
}

/**
 * Where an allowed action leads. `revise` leaves this revision as it is (the engine opens a new
 * revision in draft), so it is not a move of this position.
 */
export function nextPosition(
  position: WorkflowPosition,
  chain: WorkflowChain,
  action: Exclude<WorkflowAction, 'revise'>,
): { state: WorkflowState; step: number | null } {
  switch (action) {
    case 'submit':
      return { state: 'pending', step: 0 };
    case 'pass':
    case 'confirm':
    case 'issue': {
      const step = position.step ?? 0;
      return step + 1 >= chain.steps.length
        ? { state: 'approved', step: null }
        : { state: 'pending', step: step + 1 };
    }
    case 'reject':
    case 'return':
      return { state: 'returned', step: null };
    case 'withdraw':
      return position.lastAction === 'submit' || !position.step
        ? { state: 'draft', step: null }
        : { state: 'pending', step: position.step - 1 };
  }
}

/** What a 保存为草稿 answers, on a new record and an edited draft alike. */
export const DRAFT_SAVED_MESSAGE = '已保存为草稿';

/**
 * What a save answers: for 保存并上报 「已保存并上报，等待本单位审核」, naming the step the record
 * now waits for (a submission always goes to the chain's first step: 市委改革办审核 for a chain
 * that starts with the office); for 保存为草稿 DRAFT_SAVED_MESSAGE.
 */
export function savedMessage(chain: WorkflowChain, submitted: boolean): string {
  return submitted ? `已保存并上报，${waitingFor(chain)}` : DRAFT_SAVED_MESSAGE;
}

/** 「等待本单位审核」: the step a submitted record waits for first. */
export function waitingFor(chain: WorkflowChain): string {
  return `等待${chain.steps[0].label}`;
}
