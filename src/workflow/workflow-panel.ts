import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-context.js';
import { DictionariesService } from '../dictionaries/dictionaries.service.js';
import { WORKFLOW_STATE_LABELS } from './workflow-chain.js';
import type { WorkflowItemRow } from './workflow-item.js';
import { WorkflowQueries } from './workflow-queries.js';
import {
  currentStep,
  DRAFT_SAVED_MESSAGE,
  savedMessage,
  WORKFLOW_ACTION_LABELS,
} from './workflow-rules.js';
import { COMMENTED_ACTIONS, WorkflowService } from './workflow.service.js';

/** Roles that have a 待办 of records to review. */
const REVIEWING_ROLES: ReadonlySet<string> = new Set(['reviewer', 'entry', 'office']);

/** What a panel shows besides the record's actions: the open action's errors and a message. */
export interface PanelExtras {
  errors?: Record<string, string[]>;
  openAction?: string;
  /** What was typed into the open action's reason form, shown again after an error. */
  typed?: Record<string, unknown>;
  message?: { kind: string; text: string };
  /** Actions the page offers itself, e.g. submit inside an edit form that must save first. */
  omit?: readonly string[];
}

/** What the shared record panel partial (workflow/_panel.hbs) shows: state, buttons, timeline. */
@Injectable()
export class WorkflowPanelBuilder {
  constructor(
    private readonly workflow: WorkflowService,
    private readonly queries: WorkflowQueries,
    private readonly dictionaries: DictionariesService,
  ) {}

  /**
   * The answer to a save of a record (see savedMessage): 「已保存并上报，等待本单位审核」 naming
   * the step the record's chain waits for, or 「已保存为草稿」; one wording for every module.
   */
  async savedAnswer(itemId: string, submitted: boolean): Promise<string> {
    const item = await this.workflow.findItem(itemId);
    if (!item) {
      return submitted ? '已保存并上报' : DRAFT_SAVED_MESSAGE;
    }
    return savedMessage(this.workflow.chainOf(item.record_type), submitted);
  }

  async build(item: WorkflowItemRow, user: AuthUser, extras: PanelExtras = {}) {
    const chain = this.workflow.chainOf(item.record_type);
    const step = currentStep(this.workflow.positionOf(item), chain);
    const available = this.workflow.actionsFor(item, user);
    // A change (revise) copies the module's content, so the module's page offers it, not the panel.
    const actions = available.filter(
      (option) => option.action !== 'revise' && !extras.omit?.includes(option.action),
    );
    const needsReasons = actions.some((option) => option.needsReason);
    return {
      id: item.id,
      version: item.version,
      revision: item.revision,
      state: item.state,
      stateLabel: WORKFLOW_STATE_LABELS[item.state],
      stepLabel: step?.label,
      chainLabels: chain.steps.map((chainStep, index) => ({
        label: chainStep.label,
        done: item.state === 'approved' || (item.step !== null && index < item.step),
        current: item.step === index && item.state === 'pending',
      })),
      returned:
        item.state === 'returned'
          ? {
              actionLabel: WORKFLOW_ACTION_LABELS[item.last_action ?? 'reject'],
              reason: item.last_reason_label,
              detail: item.last_detail,
            }
          : undefined,
      readOnlyReason: this.workflow.readOnlyReason(item, user),
      actions: actions.map((option) => {
        const open = extras.openAction === option.action;
        const typed = (name: string) => {
          const value = open ? extras.typed?.[name] : undefined;
          return typeof value === 'string' ? value : '';
        };
        return {
          ...option,
          open,
          typedReasonId: typed('reasonId'),
          typedDetail: typed('detail'),
          comment: COMMENTED_ACTIONS.has(option.action),
        };
      }),
      reasons: needsReasons ? await this.dictionaries.activeOptions('reject_reason') : [],
      errors: extras.errors ?? {},
      message: extras.message,
      timeline: await this.queries.timeline(item.lineage_id),
      revisions: await this.queries.revisions(item.lineage_id),
      isCurrentApproved: item.is_current_approved,
      canRevise: available.some((option) => option.action === 'revise'),
      // 下一条: the next record waiting for this user, so a reviewer goes on without the inbox.
      nextLink: user.roles.some((role) => REVIEWING_ROLES.has(role))
        ? await this.queries.nextInboxLink(user, item.id)
        : undefined,
    };
  }
}
