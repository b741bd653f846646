import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AttachmentsService } from '../../attachments/attachments.service.js';
import type { AuthUser } from '../../auth/auth-context.js';
import { FormInvalidException, type FieldErrors } from '../../common/forms/form-validation.js';
import { DEFAULT_PAGE_SIZE } from '../../common/http/pagination.js';
import { chinaDate, parseChinaDate } from '../../common/time/china-time.js';
import { Clock } from '../../common/time/clock.js';
import { WORKFLOW_STATE_LABELS, type WorkflowState } from '../../workflow/workflow-chain.js';
import type { WorkflowItemRow } from '../../workflow/workflow-item.js';
import { WorkflowService } from '../../workflow/workflow.service.js';
import { BRAND_KIND_LABELS, PROJECT_BRAND_TYPE, type BrandKind } from '../project-labels.js';
import { ProjectsService, type ProjectRow } from '../projects.service.js';
import {
  ledgerConditions,
  loadVisibleUpdate,
  type IssuedProjectRow,
  type LedgerFilter,
} from './update-access.js';
import { evidenceMissingMessage, type BrandItemFormDto } from './update-forms.dto.js';
import type { SqlRunner } from '../../database/sql-runner.js';
import { evidenceMissing } from '../../common/forms/evidence-rule.js';

export interface BrandItemRow {
  id: string;
  project_id: string;
  project_name: string;
  unit_name: string;
  happened_on: string;
  kind: BrandKind;
  kindLabel: string;
  situation: string;
  measures_results: string;
  details: string;
  evidence_classified: boolean;
  state: WorkflowState;
  stateLabel: string;
}

const BRAND_COLUMNS = `x.id, x.project_id, p.name AS project_name, u.name AS unit_name,
  to_char(x.happened_on, 'YYYY-MM-DD') AS happened_on, x.kind, x.situation, x.measures_results, x.details,
  x.evidence_classified, wi.state`;
const BRAND_FROM = `project_brand_items x
  JOIN workflow_items wi ON wi.id = x.id
  JOIN major_projects p ON p.id = x.project_id
  JOIN units u ON u.id = p.responsible_unit_id`;

function labelled(row: Omit<BrandItemRow, 'kindLabel' | 'stateLabel'>): BrandItemRow {
  return {
    ...row,
    kindLabel: BRAND_KIND_LABELS[row.kind],
    stateLabel: WORKFLOW_STATE_LABELS[row.state],
  };
}

function brandTitle(projectName: string, kind: BrandKind): string {
  return `${projectName}·品牌显示度（${BRAND_KIND_LABELS[kind]}）`;
}

/**
 * 品牌显示度推进更新 (seed 001 4.5): national affirmation or deep reports by the five central media,
 * with what was solved and achieved and the details (own reviewer → office).
 */
@Injectable()
export class BrandItemsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly workflow: WorkflowService,
    private readonly projects: ProjectsService,
    private readonly attachments: AttachmentsService,
    private readonly clock: Clock,
  ) {}

  /**
   * The rules of the form a DTO cannot check, all at once. Fields the DTO refused (`failed`) are
   * not checked (see validateForm).
   */
  formErrors(form: BrandItemFormDto, failed: ReadonlySet<string> = new Set()): FieldErrors {
    const errors: FieldErrors = {};
    if (!failed.has('happenedOn')) {
      const happenedOn = parseChinaDate(form.happenedOn);
      if (!happenedOn) {
        errors.happenedOn = ['请填写有效的品牌创建日期'];
      } else if (happenedOn > chinaDate(this.clock.now())) {
        errors.happenedOn = ['品牌创建日期不能晚于今天'];
      }
    }
    if (evidenceMissing(form, failed)) {
      errors.evidence = [evidenceMissingMessage()];
    }
    return errors;
  }

  private check(form: BrandItemFormDto): void {
    const errors = this.formErrors(form);
    if (Object.keys(errors).length > 0) {
      throw new FormInvalidException(errors);
    }
  }

  async create(
    project: IssuedProjectRow,
    form: BrandItemFormDto,
    user: AuthUser,
    ip?: string,
  ): Promise<string> {
    this.check(form);
    const id = randomUUID();
    await this.dataSource.transaction(async (manager) => {
      await this.workflow.createDraft(
        manager,
        {
          type: PROJECT_BRAND_TYPE,
          id,
          title: brandTitle(project.name, form.kind),
          ownerUnitId: project.responsible_unit_id,
        },
        user,
      );
      await manager.query(
        `INSERT INTO project_brand_items (id, lineage_id, project_id, happened_on, kind, situation, measures_results, details, evidence_classified)
         VALUES ($1, $1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          id,
          project.id,
          form.happenedOn,
          form.kind,
          form.situation,
          form.measuresResults,
          form.details,
          form.evidenceClassified,
        ],
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

  async update(id: string, form: BrandItemFormDto, user: AuthUser, ip?: string): Promise<void> {
    const { item, project } = await this.load(id, user);
    if (!this.workflow.isEditableBy(item, user)) {
      throw FormInvalidException.field(
        'happenedOn',
        this.workflow.readOnlyReason(item, user) ?? '当前不能修改',
      );
    }
    this.check(form);
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `UPDATE project_brand_items SET happened_on = $2, kind = $3, situation = $4, measures_results = $5, details = $6,
                evidence_classified = $7, updated_at = now()
          WHERE id = $1`,
        [
          id,
          form.happenedOn,
          form.kind,
          form.situation,
          form.measuresResults,
          form.details,
          form.evidenceClassified,
        ],
      );
      await this.workflow.updateDraft(manager, id, { title: brandTitle(project.name, form.kind) });
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
        `INSERT INTO project_brand_items (id, lineage_id, project_id, happened_on, kind, situation, measures_results, details, evidence_classified)
         SELECT $2, lineage_id, project_id, happened_on, kind, situation, measures_results, details, evidence_classified
           FROM project_brand_items WHERE id = $1`,
        [id, newId],
      );
    });
    return newId;
  }

  async load(
    id: string,
    user: AuthUser,
  ): Promise<{ item: WorkflowItemRow; brand: BrandItemRow; project: ProjectRow }> {
    const { item, row, project } = await loadVisibleUpdate<
      Omit<BrandItemRow, 'kindLabel' | 'stateLabel'>
    >(
      { workflow: this.workflow, dataSource: this.dataSource, projects: this.projects },
      PROJECT_BRAND_TYPE,
      `SELECT ${BRAND_COLUMNS} FROM ${BRAND_FROM} WHERE x.id = $1`,
      id,
      user,
    );
    return { item, brand: labelled(row), project };
  }

  async page(id: string, user: AuthUser) {
    const loaded = await this.load(id, user);
    return {
      ...loaded,
      files: await this.attachments.listForItem(id),
      editable: this.workflow.isEditableBy(loaded.item, user),
    };
  }

  /** The brand ledger; `from`/`to` filter the 品牌创建日期. */
  async ledger(
    user: AuthUser,
    filter: LedgerFilter & { kind?: BrandKind },
    pageSize = DEFAULT_PAGE_SIZE,
    db: SqlRunner = this.dataSource,
  ): Promise<{ rows: BrandItemRow[]; total: number }> {
    const conditions = ledgerConditions(user, filter, {
      project: 'x.project_id',
      period: 'x.happened_on',
      periodCast: '::date',
    });
    if (filter.kind) {
      conditions.add('x.kind = ?', filter.kind);
    }
    const limit = conditions.bind(pageSize);
    const offset = conditions.bind((filter.page - 1) * pageSize);
    const rows: (Omit<BrandItemRow, 'kindLabel' | 'stateLabel'> & { total: number })[] =
      await db.query(
        `SELECT ${BRAND_COLUMNS}, count(*) OVER ()::int AS total FROM ${BRAND_FROM}
          WHERE ${String(conditions)}
          ORDER BY x.happened_on DESC, p.name, x.id
          LIMIT ${limit} OFFSET ${offset}`,
        conditions.params,
      );
    return {
      total: rows[0]?.total ?? 0,
      rows: rows.map(({ total: _total, ...row }) => labelled(row)),
    };
  }

  /** The project's current approved brand items, newest first (project page). */
  async approvedForProject(projectId: string): Promise<BrandItemRow[]> {
    const rows: Omit<BrandItemRow, 'kindLabel' | 'stateLabel'>[] = await this.dataSource.query(
      `SELECT ${BRAND_COLUMNS} FROM ${BRAND_FROM}
        WHERE x.project_id = $1 AND wi.is_current_approved ORDER BY x.happened_on DESC, x.id`,
      [projectId],
    );
    return rows.map(labelled);
  }
}
