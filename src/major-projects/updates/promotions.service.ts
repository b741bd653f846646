import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AttachmentsService } from '../../attachments/attachments.service.js';
import type { AuthUser } from '../../auth/auth-context.js';
import { FormInvalidException, type FieldErrors } from '../../common/forms/form-validation.js';
import { DEFAULT_PAGE_SIZE } from '../../common/http/pagination.js';
import { chinaDate, parseChinaDate } from '../../common/time/china-time.js';
import { Clock } from '../../common/time/clock.js';
import { DictionariesService } from '../../dictionaries/dictionaries.service.js';
import { WORKFLOW_STATE_LABELS, type WorkflowState } from '../../workflow/workflow-chain.js';
import type { WorkflowItemRow } from '../../workflow/workflow-item.js';
import { WorkflowService } from '../../workflow/workflow.service.js';
import { PROJECT_PROMOTION_TYPE } from '../project-labels.js';
import { ProjectsService, type ProjectRow } from '../projects.service.js';
import {
  ledgerConditions,
  loadVisibleUpdate,
  type IssuedProjectRow,
  type LedgerFilter,
} from './update-access.js';
import { evidenceMissingMessage, type PromotionFormDto } from './update-forms.dto.js';
import type { SqlRunner } from '../../database/sql-runner.js';
import { evidenceMissing } from '../../common/forms/evidence-rule.js';

export interface PromotionRow {
  id: string;
  project_id: string;
  project_name: string;
  unit_name: string;
  method_id: number;
  method: string;
  promoted_on: string;
  description: string;
  evidence_classified: boolean;
  state: WorkflowState;
  stateLabel: string;
}

const PROMOTION_COLUMNS = `x.id, x.project_id, p.name AS project_name, u.name AS unit_name, x.method_id, m.label AS method,
  to_char(x.promoted_on, 'YYYY-MM-DD') AS promoted_on, x.description, x.evidence_classified, wi.state`;
const PROMOTION_FROM = `project_promotions x
  JOIN workflow_items wi ON wi.id = x.id
  JOIN major_projects p ON p.id = x.project_id
  JOIN units u ON u.id = p.responsible_unit_id
  JOIN dictionary_items m ON m.id = x.method_id`;

/**
 * 经验复制推广推进更新 (seed 001 4.4): how the project's reform experience was promoted (media,
 * press conference, site visit, …), with the date and evidence (own reviewer → office).
 */
@Injectable()
export class PromotionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly workflow: WorkflowService,
    private readonly projects: ProjectsService,
    private readonly attachments: AttachmentsService,
    private readonly dictionaries: DictionariesService,
    private readonly clock: Clock,
  ) {}

  async methods() {
    return this.dictionaries.activeOptions('promotion_method');
  }

  /**
   * The rules of the form a DTO cannot check, all at once. Fields the DTO refused (`failed`) are
   * not checked (see validateForm).
   */
  async formErrors(
    form: PromotionFormDto,
    failed: ReadonlySet<string> = new Set(),
  ): Promise<FieldErrors> {
    const errors: FieldErrors = {};
    if (
      !failed.has('methodId') &&
      !(await this.dictionaries.isActive('promotion_method', form.methodId))
    ) {
      errors.methodId = ['请选择推广方式'];
    }
    if (!failed.has('promotedOn')) {
      const promotedOn = parseChinaDate(form.promotedOn);
      if (!promotedOn) {
        errors.promotedOn = ['请填写有效的推广日期'];
      } else if (promotedOn > chinaDate(this.clock.now())) {
        errors.promotedOn = ['推广日期不能晚于今天'];
      }
    }
    if (evidenceMissing(form, failed)) {
      errors.evidence = [evidenceMissingMessage()];
    }
    return errors;
  }

  private async check(form: PromotionFormDto): Promise<void> {
    const errors = await this.formErrors(form);
    if (Object.keys(errors).length > 0) {
      throw new FormInvalidException(errors);
    }
  }

  async create(
    project: IssuedProjectRow,
    form: PromotionFormDto,
    user: AuthUser,
    ip?: string,
  ): Promise<string> {
    await this.check(form);
    const id = randomUUID();
    await this.dataSource.transaction(async (manager) => {
      await this.workflow.createDraft(
        manager,
        {
          type: PROJECT_PROMOTION_TYPE,
          id,
          title: `${project.name}·经验复制推广（${form.promotedOn}）`,
          ownerUnitId: project.responsible_unit_id,
        },
        user,
      );
      await manager.query(
        `INSERT INTO project_promotions (id, lineage_id, project_id, method_id, promoted_on, description, evidence_classified)
         VALUES ($1, $1, $2, $3, $4, $5, $6)`,
        [id, project.id, form.methodId, form.promotedOn, form.description, form.evidenceClassified],
      );
      await this.attachments.linkToItem(
        manager,
        id,
        'evidence',
        form.evidenceClassified ? [] : form.evidence,
        user,
      );
      if (form.submit) {
        await this.workflow.transition(id, { action: 'submit' }, user, ip, manager);
      }
    });
    return id;
  }

  async update(id: string, form: PromotionFormDto, user: AuthUser, ip?: string): Promise<void> {
    const { item, project } = await this.load(id, user);
    if (!this.workflow.isEditableBy(item, user)) {
      throw FormInvalidException.field(
        'methodId',
        this.workflow.readOnlyReason(item, user) ?? '当前不能修改',
      );
    }
    await this.check(form);
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `UPDATE project_promotions SET method_id = $2, promoted_on = $3, description = $4, evidence_classified = $5, updated_at = now()
          WHERE id = $1`,
        [id, form.methodId, form.promotedOn, form.description, form.evidenceClassified],
      );
      await this.workflow.updateDraft(manager, id, {
        title: `${project.name}·经验复制推广（${form.promotedOn}）`,
      });
      await this.attachments.linkToItem(
        manager,
        id,
        'evidence',
        form.evidenceClassified ? [] : form.evidence,
        user,
      );
      if (form.submit) {
        await this.workflow.transition(id, { action: 'submit' }, user, ip, manager);
      }
    });
  }

  async revise(id: string, user: AuthUser, ip?: string): Promise<string> {
    await this.load(id, user);
    const newId = randomUUID();
    await this.dataSource.transaction(async (manager) => {
      await this.workflow.openRevision(manager, id, newId, user, ip);
      await manager.query(
        `INSERT INTO project_promotions (id, lineage_id, project_id, method_id, promoted_on, description, evidence_classified)
         SELECT $2, lineage_id, project_id, method_id, promoted_on, description, evidence_classified
           FROM project_promotions WHERE id = $1`,
        [id, newId],
      );
    });
    return newId;
  }

  async load(
    id: string,
    user: AuthUser,
  ): Promise<{ item: WorkflowItemRow; promotion: PromotionRow; project: ProjectRow }> {
    const { item, row, project } = await loadVisibleUpdate<Omit<PromotionRow, 'stateLabel'>>(
      { workflow: this.workflow, dataSource: this.dataSource, projects: this.projects },
      PROJECT_PROMOTION_TYPE,
      `SELECT ${PROMOTION_COLUMNS} FROM ${PROMOTION_FROM} WHERE x.id = $1`,
      id,
      user,
    );
    return { item, promotion: { ...row, stateLabel: WORKFLOW_STATE_LABELS[row.state] }, project };
  }

  async page(id: string, user: AuthUser) {
    const loaded = await this.load(id, user);
    return {
      ...loaded,
      files: await this.attachments.listForItem(id),
      editable: this.workflow.isEditableBy(loaded.item, user),
    };
  }

  /** The promotion ledger; `from`/`to` filter the promotion date. */
  async ledger(
    user: AuthUser,
    filter: LedgerFilter & { methodId?: number },
    pageSize = DEFAULT_PAGE_SIZE,
    db: SqlRunner = this.dataSource,
  ): Promise<{ rows: PromotionRow[]; total: number }> {
    const conditions = ledgerConditions(user, filter, {
      project: 'x.project_id',
      period: 'x.promoted_on',
      periodCast: '::date',
    });
    if (filter.methodId) {
      conditions.add('x.method_id = ?', filter.methodId);
    }
    const limit = conditions.bind(pageSize);
    const offset = conditions.bind((filter.page - 1) * pageSize);
    const rows: (Omit<PromotionRow, 'stateLabel'> & { total: number })[] = await db.query(
      `SELECT ${PROMOTION_COLUMNS}, count(*) OVER ()::int AS total FROM ${PROMOTION_FROM}
          WHERE ${String(conditions)}
          ORDER BY x.promoted_on DESC, p.name, x.id
          LIMIT ${limit} OFFSET ${offset}`,
      conditions.params,
    );
    return {
      total: rows[0]?.total ?? 0,
      rows: rows.map(({ total: _total, ...row }) => ({
        ...row,
        stateLabel: WORKFLOW_STATE_LABELS[row.state],
      })),
    };
  }

  /** The project's current approved promotions, newest first (project page). */
  async approvedForProject(projectId: string): Promise<Omit<PromotionRow, 'stateLabel'>[]> {
    return this.dataSource.query(
      `SELECT ${PROMOTION_COLUMNS} FROM ${PROMOTION_FROM}
        WHERE x.project_id = $1 AND wi.is_current_approved ORDER BY x.promoted_on DESC, x.id`,
      [projectId],
    );
  }
}
