import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../auth/auth-context.js';
import { evidenceMissing } from '../../common/forms/evidence-rule.js';
import { FormInvalidException, type FieldErrors } from '../../common/forms/form-validation.js';
import { DEFAULT_PAGE_SIZE } from '../../common/http/pagination.js';
import { chinaDate } from '../../common/time/china-time.js';
import { Clock } from '../../common/time/clock.js';
import { insertRow, updateRow } from '../../database/sql.js';
import type { SqlRunner } from '../../database/sql-runner.js';
import { RecordKit } from '../../workflow/record-kit/record-kit.js';
import { WorkflowService } from '../../workflow/workflow.service.js';
import { AttachmentsService } from '../../attachments/attachments.service.js';
import { BRAND_KIND_LABELS, PROJECT_BRAND_TYPE, type BrandKind } from '../project-labels.js';
import { ProjectsService } from '../projects.service.js';
import {
  BRAND_TABLE,
  brandContent,
  BrandItemsQueries,
  type BrandItemRow,
} from './brand-items.queries.js';
import { loadVisibleUpdate, type IssuedProjectRow, type LedgerFilter } from './update-access.js';
import {
  evidenceFiles,
  evidenceMissingMessage,
  pastDateErrors,
  type BrandItemFormDto,
} from './update-forms.dto.js';

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
    private readonly kit: RecordKit,
    private readonly queries: BrandItemsQueries,
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
      const dateErrors = pastDateErrors(
        form.happenedOn,
        chinaDate(this.clock.now()),
        '品牌创建日期',
      );
      if (dateErrors) {
        errors.happenedOn = dateErrors;
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
    return this.kit.fileRecord(
      {
        type: PROJECT_BRAND_TYPE,
        title: brandTitle(project.name, form.kind),
        ownerUnitId: project.responsible_unit_id,
        files: evidenceFiles(form),
        submit: form.submit,
      },
      user,
      ip,
      (manager, id) =>
        insertRow(manager, BRAND_TABLE.table, {
          id,
          lineage_id: id,
          project_id: project.id,
          ...brandContent(form),
        }),
    );
  }

  async update(id: string, form: BrandItemFormDto, user: AuthUser, ip?: string): Promise<void> {
    const { project } = await this.load(id, user);
    await this.kit.updateDraft(
      id,
      { type: PROJECT_BRAND_TYPE, field: 'happenedOn', validate: () => this.check(form) },
      {
        title: brandTitle(project.name, form.kind),
        files: evidenceFiles(form),
        submit: form.submit,
      },
      user,
      ip,
      (manager) => updateRow(manager, BRAND_TABLE.table, id, brandContent(form)),
    );
  }

  async revise(id: string, user: AuthUser, ip?: string): Promise<string> {
    await this.load(id, user);
    return this.kit.reviseRecord(id, BRAND_TABLE, user, ip);
  }

  async load(id: string, user: AuthUser) {
    const { item, row, project } = await loadVisibleUpdate(
      { workflow: this.workflow, projects: this.projects },
      PROJECT_BRAND_TYPE,
      (rowId) => this.queries.find(rowId),
      id,
      user,
    );
    return { item, brand: row, project };
  }

  async page(id: string, user: AuthUser) {
    const loaded = await this.load(id, user);
    return {
      ...loaded,
      files: await this.attachments.listForItem(id),
      editable: this.workflow.isEditableBy(loaded.item, user),
    };
  }

  ledger(
    user: AuthUser,
    filter: LedgerFilter & { kind?: BrandKind },
    pageSize = DEFAULT_PAGE_SIZE,
    db?: SqlRunner,
  ): Promise<{ rows: BrandItemRow[]; total: number }> {
    return this.queries.ledger(user, filter, pageSize, db);
  }

  approvedForProject(projectId: string): Promise<BrandItemRow[]> {
    return this.queries.approvedForProject(projectId);
  }
}
