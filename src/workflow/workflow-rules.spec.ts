import { CHAINS } from './workflow-chain.js';
import {
  allowedActions,
  isEditable,
  mayTake,
  nextPosition,
  waitsForAnotherReviewer,
  type WorkflowActor,
  type WorkflowPosition,
} from './workflow-rules.js';

const OWNER = 10;
const OTHER = 11;
const COMPETENT = 20;
const OFFICE = 1;

/** A user of the review chain: id, unit, unit kind and roles. */
const person = (
  id: string,
  unitId: number,
  unitKind: WorkflowActor['unitKind'],
  ...roles: WorkflowActor['roles']
): WorkflowActor => ({ id, unitId, unitKind, roles });

const clerk = person('clerk', OWNER, 'district', 'entry');
const otherClerk = person('clerk2', OWNER, 'district', 'entry');
const reviewer = person('reviewer', OWNER, 'district', 'reviewer');
const foreignReviewer = person('foreign', OTHER, 'district', 'reviewer');
const foreignClerk = person('foreign-clerk', OTHER, 'district', 'entry');
const competentClerk = person('dept', COMPETENT, 'department', 'entry');
const competentReviewer = person('dept-rev', COMPETENT, 'department', 'reviewer');
const office = person('office', OFFICE, 'office', 'office');
const leader = person('leader', OFFICE, 'office', 'leader');
const admin = person('admin', OFFICE, 'office', 'admin');

function at(overrides: Partial<WorkflowPosition>): WorkflowPosition {
  return {
    state: 'draft',
    step: null,
    ownerUnitId: OWNER,
    competentUnitId: COMPETENT,
    lastActorId: null,
    lastAction: null,
    openForRevision: true,
    ...overrides,
  };
}

/** Waiting at chain step `step`, reached by `lastActorId`'s `lastAction`. */
const pending = (
  step: number,
  lastActorId: string,
  lastAction: WorkflowPosition['lastAction'],
  more: Partial<WorkflowPosition> = {},
) => at({ state: 'pending', step, lastActorId, lastAction, ...more });

const actionsOf = (
  position: WorkflowPosition,
  chain: (typeof CHAINS)[keyof typeof CHAINS],
  actor: WorkflowActor,
) => allowedActions(position, chain, actor).map((option) => option.action);

describe('workflow rules: own reviewer → office (demands, showcase, risk, …)', () => {
  const chain = CHAINS.ownReviewerThenOffice;
  const draft = at({ state: 'draft' });
  const atReviewer = pending(0, 'clerk', 'submit');
  const atOffice = pending(1, 'reviewer', 'pass');
  const returned = at({ state: 'returned', lastActorId: 'office', lastAction: 'reject' });
  const approved = at({ state: 'approved', lastActorId: 'office', lastAction: 'confirm' });

  it.each([
    // position, actor, expected actions
    ['draft', draft, clerk, ['submit']],
    ['draft', draft, otherClerk, ['submit']],
    ['draft', draft, reviewer, []],
    ['draft', draft, foreignClerk, []],
    ['draft', draft, office, []],
    ['at reviewer', atReviewer, clerk, ['withdraw']],
    ['at reviewer', atReviewer, otherClerk, []],
    ['at reviewer', atReviewer, reviewer, ['pass', 'reject']],
    ['at reviewer', atReviewer, foreignReviewer, []],
    ['at reviewer', atReviewer, office, []],
    ['at office', atOffice, clerk, []],
    ['at office', atOffice, reviewer, ['withdraw']],
    ['at office', atOffice, office, ['confirm', 'return', 'reject']],
    ['at office', atOffice, leader, []],
    ['at office', atOffice, admin, []],
    ['returned', returned, clerk, ['submit']],
    ['returned', returned, reviewer, []],
    ['approved', approved, clerk, ['revise']],
    ['approved', approved, reviewer, []],
    ['approved', approved, office, []],
    ['approved and replaced', at({ state: 'approved', openForRevision: false }), clerk, []],
  ] as const)('%s: %s may %j', (_name, position, actor, expected) => {
    expect(actionsOf(position, chain, actor)).toEqual(expected);
  });

  it('should walk draft → reviewer → office → approved', () => {
    expect(nextPosition(draft, chain, 'submit')).toEqual({ state: 'pending', step: 0 });
    expect(nextPosition(atReviewer, chain, 'pass')).toEqual({ state: 'pending', step: 1 });
    expect(nextPosition(atOffice, chain, 'confirm')).toEqual({ state: 'approved', step: null });
  });

  it('should send a record back to the clerk on reject and return alike', () => {
    expect(nextPosition(atReviewer, chain, 'reject')).toEqual({ state: 'returned', step: null });
    expect(nextPosition(atOffice, chain, 'return')).toEqual({ state: 'returned', step: null });
    expect(nextPosition(atOffice, chain, 'reject')).toEqual({ state: 'returned', step: null });
  });

  it('should withdraw to draft for the submitter and one step back for a reviewer', () => {
    expect(nextPosition(atReviewer, chain, 'withdraw')).toEqual({ state: 'draft', step: null });
    expect(nextPosition(atOffice, chain, 'withdraw')).toEqual({ state: 'pending', step: 0 });
  });

  it('should let only the owner unit clerk edit, and only in draft or returned', () => {
    expect(isEditable(draft, clerk)).toBe(true);
    expect(isEditable(returned, clerk)).toBe(true);
    expect(isEditable(atReviewer, clerk)).toBe(false);
    expect(isEditable(approved, clerk)).toBe(false);
    expect(isEditable(draft, foreignClerk)).toBe(false);
    expect(isEditable(draft, reviewer)).toBe(false);
  });
});

describe('workflow rules: pilot creation, own reviewer → competent department confirms', () => {
  const chain = CHAINS.ownReviewerThenCompetentConfirm;
  const atCompetent = pending(1, 'reviewer', 'pass');

  it.each([
    [competentClerk, ['confirm', 'reject']],
    [competentReviewer, []],
    [foreignClerk, []],
    [office, []],
    [reviewer, ['withdraw']],
  ] as const)('at the competent step %j may %j', (actor, expected) => {
    expect(actionsOf(atCompetent, chain, actor)).toEqual(expected);
  });

  it('should approve on the competent department confirmation', () => {
    expect(nextPosition(atCompetent, chain, 'confirm')).toEqual({ state: 'approved', step: null });
  });

  it('should refuse a competent step when the record has no competent department', () => {
    expect(actionsOf({ ...atCompetent, competentUnitId: null }, chain, competentClerk)).toEqual([]);
  });
});

describe('workflow rules: pilot progress, own reviewer → competent department → office', () => {
  const chain = CHAINS.ownReviewerThenCompetentThenOffice;

  it('should pass through three steps', () => {
    const atCompetent = pending(1, 'reviewer', 'pass');
    expect(actionsOf(atCompetent, chain, competentClerk)).toEqual(['pass', 'reject']);
    expect(nextPosition(atCompetent, chain, 'pass')).toEqual({ state: 'pending', step: 2 });
    const atOffice = pending(2, 'dept', 'pass');
    expect(actionsOf(atOffice, chain, competentClerk)).toEqual(['withdraw']);
    expect(actionsOf(atOffice, chain, office)).toEqual(['confirm', 'return', 'reject']);
    expect(nextPosition(atOffice, chain, 'withdraw')).toEqual({ state: 'pending', step: 1 });
    expect(nextPosition(atOffice, chain, 'confirm')).toEqual({ state: 'approved', step: null });
  });
});

describe('workflow rules: battle map, own reviewer → office issues (确认下发)', () => {
  const chain = CHAINS.ownReviewerThenOfficeIssue;

  it('should offer issue, return and reject to the office', () => {
    const atOffice = pending(1, 'reviewer', 'pass');
    expect(
      allowedActions(atOffice, chain, office).map((option) => [
        option.action,
        option.label,
        option.needsReason,
      ]),
    ).toEqual([
      ['issue', '确认下发', false],
      ['return', '退回完善', true],
      ['reject', '驳回', true],
    ]);
    expect(nextPosition(atOffice, chain, 'issue')).toEqual({ state: 'approved', step: null });
  });
});

describe('workflow rules: office only (satisfaction returns)', () => {
  const chain = CHAINS.officeOnly;

  it('should go from the filing unit straight to the office', () => {
    const submitted = pending(0, 'clerk', 'submit');
    expect(actionsOf(submitted, chain, reviewer)).toEqual([]);
    expect(actionsOf(submitted, chain, office)).toEqual(['confirm', 'return', 'reject']);
    expect(actionsOf(submitted, chain, clerk)).toEqual(['withdraw']);
    expect(nextPosition(submitted, chain, 'confirm')).toEqual({ state: 'approved', step: null });
  });
});

describe('workflow rules: nobody acts on two consecutive steps of one record', () => {
  const chain = CHAINS.ownReviewerThenCompetentThenOffice;
  /** 录入 and 审核 in one unit (the review's finding), and the same at the competent department. */
  const clerkAndReviewer = person('both', OWNER, 'district', 'entry', 'reviewer');
  const submittedByBoth = pending(0, 'both', 'submit', { stepEnteredBy: 'both' });

  it('should not let the submitter pass (or send back) what they submitted, only withdraw it', () => {
    expect(actionsOf(submittedByBoth, chain, clerkAndReviewer)).toEqual(['withdraw']);
    expect(waitsForAnotherReviewer(submittedByBoth, chain, clerkAndReviewer)).toBe(true);
    expect(mayTake(submittedByBoth, chain, clerkAndReviewer, 'pass')).toBe(false);
    expect(mayTake(submittedByBoth, chain, clerkAndReviewer, 'reject')).toBe(false);
  });

  it('should let the filer decide a record whose chain says the filing is the decision itself', () => {
    const ownDecision = { ...chain, filerDecides: true };
    expect(actionsOf(submittedByBoth, ownDecision, clerkAndReviewer)).toEqual([
      'pass',
      'reject',
      'withdraw',
    ]);
    expect(waitsForAnotherReviewer(submittedByBoth, ownDecision, clerkAndReviewer)).toBe(false);
  });

  it('should let another reviewer of the unit pass it', () => {
    expect(actionsOf(submittedByBoth, chain, reviewer)).toEqual(['pass', 'reject']);
    expect(waitsForAnotherReviewer(submittedByBoth, chain, reviewer)).toBe(false);
  });

  it('should not let a reviewer who passed a record act at the next step (review then review)', () => {
    // A department's own record where it is also the competent department: its reviewer, who is
    // also a clerk there, passed step 0 and would be the competent clerk of step 1.
    const passedByBoth = pending(1, 'both', 'pass', {
      competentUnitId: OWNER,
      stepEnteredBy: 'both',
    });
    expect(actionsOf(passedByBoth, chain, clerkAndReviewer)).toEqual(['withdraw']);
    expect(waitsForAnotherReviewer(passedByBoth, chain, clerkAndReviewer)).toBe(true);
    // A clerk of that unit who did not pass it confirms.
    expect(actionsOf(passedByBoth, chain, clerk)).toEqual(['pass', 'reject']);
  });

  it('should still block the submitter after a reviewer withdrew back to the first step', () => {
    // The reviewer passed, then withdrew: the last actor is the reviewer, but the step was entered
    // by the submitter.
    const withdrawn = pending(0, 'reviewer', 'withdraw', { stepEnteredBy: 'both' });
    expect(actionsOf(withdrawn, chain, clerkAndReviewer)).toEqual([]);
    expect(actionsOf(withdrawn, chain, reviewer)).toEqual(['pass', 'reject']);
  });

  it('should leave positions without a known entering actor as before', () => {
    const unknown = pending(0, 'clerk', 'submit');
    expect(actionsOf(unknown, chain, clerkAndReviewer)).toEqual(['pass', 'reject']);
  });
});
