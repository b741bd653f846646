import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-context.js';
import type { WorkflowAction } from './workflow-rules.js';
import {
  WorkflowActionRefusedException,
  WorkflowConflictException,
  WorkflowItemNotFoundException,
} from './workflow.exception.js';
import { WorkflowService } from './workflow.service.js';

/** The forward action that stands for 通过 at a step (a competent department 确认s, 下发s). */
const PASSING_ACTIONS = ['pass', 'confirm', 'issue'] as const;
type PassingAction = (typeof PASSING_ACTIONS)[number];
const isPassing = (action: WorkflowAction): action is PassingAction =>
  (PASSING_ACTIONS as readonly string[]).includes(action);

/** At most this many records in one 批量通过 (two inbox pages). */
export const BULK_PASS_MAX = 100;

export interface BulkSelection {
  id: string;
  /** The version the reviewer saw in the inbox: a record moved since then was handled by another. */
  version: number;
}

export interface BulkOutcome {
  id: string;
  title: string;
  link?: string;
}

export interface BulkPassResult {
  passed: BulkOutcome[];
  /** Moved on since the reviewer's page was drawn (another reviewer acted, the clerk withdrew). */
  alreadyHandled: BulkOutcome[];
  /** Not the user's to pass (a step they acted on before, a record they may not read). */
  refused: (BulkOutcome & { why: string })[];
}

/**
 * 批量通过 from the inbox: each record is its own compare-and-set transition through the engine
 * (its own transaction), so one record handled elsewhere never holds the others back.
 */
@Injectable()
export class BulkReviewService {
  constructor(private readonly workflow: WorkflowService) {}

  async passMany(
    selections: readonly BulkSelection[],
    user: AuthUser,
    comment: string | undefined,
    ip?: string,
  ): Promise<BulkPassResult> {
    const result: BulkPassResult = { passed: [], alreadyHandled: [], refused: [] };
    for (const { id, version } of selections) {
      const item = await this.workflow.findItem(id);
      if (!item || !(await this.workflow.mayView(item, user))) {
        result.refused.push({ id, title: '（无权查看的记录）', why: '记录不存在或无权查看' });
        continue;
      }
      const outcome: BulkOutcome = { id, title: item.title, link: `/records/${id}` };
      if (item.version !== version) {
        result.alreadyHandled.push(outcome);
        continue;
      }
      const action = this.workflow
        .actionsFor(item, user)
        .map((option) => option.action)
        .find(isPassing);
      if (!action) {
        result.refused.push({
          ...outcome,
          why: this.workflow.readOnlyReason(item, user) ?? '当前不能由您通过',
        });
        continue;
      }
      try {
        await this.workflow.transition(
          id,
          { action, expectedVersion: version, detail: comment },
          user,
          ip,
        );
        result.passed.push(outcome);
      } catch (error) {
        if (error instanceof WorkflowConflictException) {
          result.alreadyHandled.push(outcome);
        } else if (
          error instanceof WorkflowActionRefusedException ||
          error instanceof WorkflowItemNotFoundException
        ) {
          result.refused.push({ ...outcome, why: error.message });
        } else {
          throw error;
        }
      }
    }
    return result;
  }
}
