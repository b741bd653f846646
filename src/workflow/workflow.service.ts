import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { afterCommit } from '../database/after-commit.js';
import { returningRows } from '../database/sql.js';
import type { AuthUser } from '../auth/auth-context.js';
import { ROLE_LABELS } from '../auth/roles.js';
import {
  STEP_ACTOR_ROLE,
  WORKFLOW_STATE_LABELS,
  type ChainStep,
  type WorkflowChain,
} from './workflow-chain.js';
import { ITEM_COLUMNS, type WorkflowItemRow } from './workflow-item.js';
import { WorkflowNotifier } from './workflow-notifier.js';
import { WorkflowRegistry } from './workflow-registry.js';
import {
  allowedActions,
  currentStep,
  isEditable,
  mayTake,
  waitsForAnotherReviewer,
  nextPosition,
  WORKFLOW_ACTION_LABELS,
  type ActionOption,
  type WorkflowAction,
  type WorkflowPosition,
} from './workflow-rules.js';
import { canViewRecord } from './workflow-visibility.js';
import {
  WorkflowActionRefusedException,
  WorkflowConflictException,
  WorkflowItemNotFoundException,
  WorkflowReasonMissingException,
} from './workflow.exception.js';

export interface TransitionInput {
  action: Exclude<WorkflowAction, 'revise'>;
  /** The version the user saw; a newer one means someone acted in between. */
  expectedVersion?: number;
  reasonId?: number;
  detail?: string;
}

export interface NewRecordInput {
  type: string;
  /** The module's row id for this revision. */
  id: string;
  title: string;
  ownerUnitId: number;
  competentUnitId?: number | null;
}

const DETAIL_MAX = 2000;

/** Forward review actions that may carry an optional 审核意见, shown in the timeline. */
export const COMMENTED_ACTIONS: ReadonlySet<string> = new Set(['pass', 'confirm', 'issue']);

/**
 * The review engine. Modules create a workflow item with each record revision (in their own
 * transaction) and call `transition`; every move is checked against the pure rules, applied by a
 * compare-and-set on (state, version), and recorded as a workflow event, an audit row and
 * notifications in the same transaction.
 */
@Injectable()
export class WorkflowService {
  private officeUnitId: Promise<number> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: WorkflowRegistry,
    private readonly audit: AuditService,
    private readonly notifier: WorkflowNotifier,
  ) {}

  chainOf(type: string): WorkflowChain {
    return this.registry.get(type).chain;
  }

  /** Opens revision 1 of a new record as a draft. */
  async createDraft(manager: EntityManager, input: NewRecordInput, actor: AuthUser): Promise<void> {
    await manager.query(
      `INSERT INTO workflow_items (id, record_type, lineage_id, revision, title, owner_unit_id, competent_unit_id, state, created_by)
       VALUES ($1, $2, $1, 1, $3, $4, $5, 'draft', $6)`,
      [
        input.id,
        input.type,
        input.title.slice(0, 300),
        input.ownerUnitId,
        input.competentUnitId ?? null,
        actor.id,
      ],
    );
  }

  /** Keeps the item's title and competent unit in step with the module's content while editable. */
  async updateDraft(
    manager: EntityManager,
    itemId: string,
    changes: { title: string; competentUnitId?: number | null },
  ): Promise<void> {
    await manager.query(
      `UPDATE workflow_items SET title = $2, competent_unit_id = coalesce($3, competent_unit_id), updated_at = now()
        WHERE id = $1`,
      [itemId, changes.title.slice(0, 300), changes.competentUnitId ?? null],
    );
  }

  async findItem(
    itemId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<WorkflowItemRow | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(itemId)) {
      return undefined;
    }
    const rows: WorkflowItemRow[] = await manager.query(
      `SELECT ${ITEM_COLUMNS} FROM workflow_items wi JOIN units ou ON ou.id = wi.owner_unit_id WHERE wi.id = $1`,
      [itemId],
    );
    return rows[0];
  }

  /** The item if this user may read it; otherwise 404 (ids cannot be probed). */
  async findVisibleItem(itemId: string, user: AuthUser): Promise<WorkflowItemRow> {
    const item = await this.findItem(itemId);
    if (!item || !(await this.mayView(item, user))) {
      throw new WorkflowItemNotFoundException();
    }
    return item;
  }

  /** Whether the user may read this record, including the units its record type adds. */
  async mayView(item: WorkflowItemRow, user: AuthUser): Promise<boolean> {
    if (this.canView(item, user)) {
      return true;
    }
    const extra = this.registry.get(item.record_type).viewerUnitIds;
    return (
      extra !== undefined && item.state !== 'draft' && this.canView(item, user, await extra(item))
    );
  }

  canView(item: WorkflowItemRow, user: AuthUser, extraUnitIds: readonly number[] = []): boolean {
    return canViewRecord(user, {
      state: item.state,
      ownerUnitId: item.owner_unit_id,
      competentUnitId: item.competent_unit_id,
      pendingUnitId: item.pending_unit_id,
      pendingRole: item.pending_role,
      extraUnitIds,
    });
  }

  positionOf(item: WorkflowItemRow): WorkflowPosition {
    return {
      state: item.state,
      step: item.step,
      ownerUnitId: item.owner_unit_id,
      competentUnitId: item.competent_unit_id,
      lastActorId: item.last_actor_id,
      lastAction: item.last_action,
      openForRevision: item.is_current_approved && !item.has_open_revision,
      stepEnteredBy: item.step_entered_by,
    };
  }

  actionsFor(item: WorkflowItemRow, user: AuthUser): ActionOption[] {
    return allowedActions(this.positionOf(item), this.chainOf(item.record_type), user);
  }

  isEditableBy(item: WorkflowItemRow, user: AuthUser): boolean {
    return isEditable(this.positionOf(item), user);
  }

  /** Why the record cannot be edited by this user now, in words for the record page. */
  readOnlyReason(item: WorkflowItemRow, user: AuthUser): string | undefined {
    if (this.isEditableBy(item, user)) {
      return undefined;
    }
    switch (item.state) {
      case 'pending': {
        const position = this.positionOf(item);
        const chain = this.chainOf(item.record_type);
        const step = currentStep(position, chain);
        if (waitsForAnotherReviewer(position, chain, user)) {
          return `您已办理上一环节，「${step?.label ?? '审核'}」须由其他审核人员办理（等待其他审核人员）`;
        }
        return `已上报，正在「${step?.label ?? '审核'}」，审核期间不能修改`;
      }
      case 'approved':
        if (!item.is_current_approved) {
          return '这是历史版本，仅供查看';
        }
        return user.roles.includes('entry') && user.unitId === item.owner_unit_id
          ? '已审核通过，如需修改请发起变更（新的版本将重新审核）'
          : '已审核通过';
      case 'draft':
      case 'returned':
        return '仅本单位录入人员可以修改';
    }
  }

  /**
   * Moves a record one step. Exactly one of several simultaneous requests wins; the others get
   * WorkflowConflictException and change nothing.
   */
  async transition(
    itemId: string,
    input: TransitionInput,
    actor: AuthUser,
    ip?: string,
    outer?: EntityManager,
  ): Promise<WorkflowItemRow> {
    const run = async (manager: EntityManager): Promise<WorkflowItemRow> => {
      const item = await this.findItem(itemId, manager);
      if (!item || !(await this.mayView(item, actor))) {
        throw new WorkflowItemNotFoundException();
      }
      if (input.expectedVersion !== undefined && input.expectedVersion !== item.version) {
        throw new WorkflowConflictException();
      }
      const chain = this.chainOf(item.record_type);
      const position = this.positionOf(item);
      if (!mayTake(position, chain, actor, input.action)) {
        throw waitsForAnotherReviewer(position, chain, actor)
          ? new WorkflowActionRefusedException(
              '您已办理该记录的上一环节，同一人不能连续办理两个环节，请由其他审核人员办理',
            )
          : new WorkflowActionRefusedException();
      }
      const reason = await this.requireReasonIfNeeded(manager, input);
      const next = nextPosition(position, chain, input.action);
      const nextStep = next.step === null ? undefined : chain.steps[next.step];
      const pendingUnitId = nextStep ? await this.actingUnitId(nextStep.actor, item) : null;
      const pendingRole = nextStep ? STEP_ACTOR_ROLE[nextStep.actor] : null;
      const sendsBack = input.action === 'reject' || input.action === 'return';

      // Compare-and-set: the row must still be in the state and version we read.
      const updated = await returningRows<{ id: string }>(
        manager,
        `UPDATE workflow_items
            SET state = $3::varchar, step = $4::int, pending_unit_id = $5::int, pending_role = $6::varchar,
                version = version + 1, last_actor_id = $7::uuid, last_action = $8::varchar,
                last_reason_label = $9::varchar, last_detail = $10::text, updated_at = now(),
                submitted_by = CASE WHEN $8::varchar = 'submit' THEN $7::uuid ELSE submitted_by END,
                submitted_at = CASE WHEN $8::varchar = 'submit' THEN now() ELSE submitted_at END,
                approved_at = CASE WHEN $3::varchar = 'approved' THEN now() ELSE NULL END
          WHERE id = $1 AND version = $2 AND state = $11::varchar
          RETURNING id`,
        [
          item.id,
          item.version,
          next.state,
          next.step,
          pendingUnitId,
          pendingRole,
          actor.id,
          input.action,
          sendsBack ? (reason?.label ?? null) : null,
          sendsBack ? (input.detail?.trim() ?? null) : null,
          item.state,
        ],
      );
      if (updated.length === 0) {
        throw new WorkflowConflictException();
      }
      if (next.state === 'approved') {
        await manager.query(
          `UPDATE workflow_items SET is_current_approved = (id = $2) WHERE lineage_id = $1 AND (is_current_approved OR id = $2)`,
          [item.lineage_id, item.id],
        );
      }
      const actingStep = this.stepActedAt(position, chain, input.action);
      await this.recordEvent(manager, item, actor, {
        action: input.action,
        toState: next.state,
        toStep: next.step,
        stepLabel: actingStep?.label ?? '上报',
        actorRole: actingStep ? STEP_ACTOR_ROLE[actingStep.actor] : 'entry',
        reason,
        // A send-back's detail, or the optional 审核意见 of a forward review (通过, 确认, 下发).
        detail:
          sendsBack || COMMENTED_ACTIONS.has(input.action)
            ? input.detail?.trim() || undefined
            : undefined,
        ip,
      });
      const after = (await this.findItem(item.id, manager))!;
      const definition = this.registry.get(item.record_type);
      if (after.state === 'approved') {
        await definition.onApproved?.(manager, after);
      }
      await this.notifier.afterTransition(manager, after, input.action, definition, reason?.label);
      afterCommit(manager, () => this.registry.transitionCommitted());
      return after;
    };
    try {
      return outer ? await run(outer) : await this.dataSource.transaction(run);
    } catch (error) {
      // Two transactions racing on the unique "one current approved" index: the loser is stale.
      if ((error as { code?: string }).code === '23505') {
        throw new WorkflowConflictException();
      }
      throw error;
    }
  }

  /**
   * Starts a change of an approved record: a new revision `newId` in draft, linked to the same
   * files. The module copies its content row to `newId` in the same transaction.
   */
  async openRevision(
    manager: EntityManager,
    approvedItemId: string,
    newId: string,
    actor: AuthUser,
    ip?: string,
  ): Promise<WorkflowItemRow> {
    const item = await this.findItem(approvedItemId, manager);
    if (!item || !(await this.mayView(item, actor))) {
      throw new WorkflowItemNotFoundException();
    }
    if (!mayTake(this.positionOf(item), this.chainOf(item.record_type), actor, 'revise')) {
      throw new WorkflowActionRefusedException('只有已通过的最新版本可以由本单位录入人员发起变更');
    }
    try {
      await manager.query(
        `INSERT INTO workflow_items (id, record_type, lineage_id, revision, title, owner_unit_id, competent_unit_id, state, created_by)
         SELECT $2, record_type, lineage_id, revision + 1, title, owner_unit_id, competent_unit_id, 'draft', $3
           FROM workflow_items WHERE id = $1`,
        [item.id, newId, actor.id],
      );
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new WorkflowConflictException('该记录已有正在进行的变更，请刷新');
      }
      throw error;
    }
    await manager.query(
      `INSERT INTO workflow_item_attachments (item_id, attachment_id, field, position)
       SELECT $2, attachment_id, field, position FROM workflow_item_attachments WHERE item_id = $1`,
      [item.id, newId],
    );
    const created = (await this.findItem(newId, manager))!;
    await this.recordEvent(manager, created, actor, {
      action: 'revise',
      toState: 'draft',
      toStep: null,
      actorRole: 'entry',
      detail: `基于第 ${item.revision} 版发起变更`,
      ip,
      fromState: null,
    });
    return created;
  }

  /** The chain step on whose behalf the actor acts (undefined: the filing clerk's own submit or withdraw). */
  private stepActedAt(
    position: WorkflowPosition,
    chain: WorkflowChain,
    action: WorkflowAction,
  ): ChainStep | undefined {
    if (action === 'submit') {
      return undefined;
    }
    if (action === 'withdraw') {
      return position.lastAction === 'submit' || !position.step
        ? undefined
        : chain.steps[position.step - 1];
    }
    return currentStep(position, chain);
  }

  private async requireReasonIfNeeded(
    manager: EntityManager,
    input: TransitionInput,
  ): Promise<{ id: number; label: string } | undefined> {
    if (input.action !== 'reject' && input.action !== 'return') {
      return undefined;
    }
    const errors: Record<string, string[]> = {};
    let reason: { id: number; label: string } | undefined;
    if (input.reasonId === undefined || !Number.isInteger(input.reasonId)) {
      errors.reasonId = ['请选择驳回理由'];
    } else {
      const rows: { id: number; label: string }[] = await manager.query(
        `SELECT id, label FROM dictionary_items WHERE id = $1 AND kind = 'reject_reason' AND active`,
        [input.reasonId],
      );
      reason = rows[0];
      if (!reason) {
        errors.reasonId = ['请选择驳回理由'];
      }
    }
    const detail = input.detail?.trim() ?? '';
    if (detail === '') {
      errors.detail = ['请填写详细描述'];
    } else if (detail.length > DETAIL_MAX) {
      errors.detail = [`详细描述不能超过 ${DETAIL_MAX} 字`];
    }
    if (Object.keys(errors).length > 0) {
      throw new WorkflowReasonMissingException(errors);
    }
    return reason;
  }

  private async actingUnitId(
    actor: 'own_reviewer' | 'competent_entry' | 'office',
    item: WorkflowItemRow,
  ): Promise<number> {
    switch (actor) {
      case 'own_reviewer':
        return item.owner_unit_id;
      case 'competent_entry':
        if (item.competent_unit_id === null) {
          throw new WorkflowActionRefusedException('该记录未指定主管部门，不能上报');
        }
        return item.competent_unit_id;
      case 'office':
        return this.findOfficeUnitId();
    }
  }

  /** The reform office's unit id never changes once seeded. */
  private findOfficeUnitId(): Promise<number> {
    this.officeUnitId ??= this.dataSource
      .query(`SELECT id FROM units WHERE kind = 'office'`)
      .then((rows: { id: number }[]) => rows[0].id);
    return this.officeUnitId;
  }

  private async recordEvent(
    manager: EntityManager,
    item: WorkflowItemRow,
    actor: AuthUser,
    event: {
      action: WorkflowAction;
      toState: string;
      toStep: number | null;
      stepLabel?: string;
      actorRole: string;
      reason?: { id: number; label: string };
      detail?: string;
      ip?: string;
      fromState?: string | null;
    },
  ): Promise<void> {
    const fromState = event.fromState === undefined ? item.state : event.fromState;
    await manager.query(
      `INSERT INTO workflow_events (item_id, lineage_id, record_type, owner_unit_id, action, from_state, from_step, to_state,
                                    to_step, step_label, actor_id, actor_name, actor_unit_id, actor_unit_name, actor_role,
                                    reason_id, reason_label, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
      [
        item.id,
        item.lineage_id,
        item.record_type,
        item.owner_unit_id,
        event.action,
        fromState,
        event.fromState === null ? null : item.step,
        event.toState,
        event.toStep,
        event.stepLabel ?? null,
        actor.id,
        actor.name,
        actor.unitId,
        actor.unitName,
        event.actorRole,
        event.reason?.id ?? null,
        event.reason?.label ?? null,
        event.detail ?? null,
      ],
    );
    await this.audit.record(
      {
        action: 'workflow_transition',
        actor,
        ip: event.ip,
        target: { type: item.record_type, id: item.id, label: item.title },
        detail: {
          action: event.action,
          actionLabel: WORKFLOW_ACTION_LABELS[event.action],
          from:
            fromState === null
              ? null
              : WORKFLOW_STATE_LABELS[fromState as keyof typeof WORKFLOW_STATE_LABELS],
          to: WORKFLOW_STATE_LABELS[event.toState as keyof typeof WORKFLOW_STATE_LABELS],
          role: ROLE_LABELS[event.actorRole as keyof typeof ROLE_LABELS],
          reason: event.reason?.label,
        },
      },
      manager,
    );
  }
}
