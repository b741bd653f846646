import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../auth/auth-context.js';
import { AttachmentsService } from '../../attachments/attachments.service.js';
import { evidenceMissing } from '../../common/forms/evidence-rule.js';
import { FormInvalidException, type FieldErrors } from '../../common/forms/form-validation.js';
import { DEFAULT_PAGE_SIZE } from '../../common/http/pagination.js';
import { chinaDate } from '../../common/time/china-time.js';
import { Clock } from '../../common/time/clock.js';
import { insertRow, updateRow } from '../../database/sql.js';
import type { SqlRunner } from '../../database/sql-runner.js';
import { DictionariesService } from '../../dictionaries/dictionaries.service.js';
import { RecordKit } from '../../workflow/record-kit/record-kit.js';
import { WorkflowService } from '../../workflow/workflow.service.js';
import { PROJECT_PROMOTION_TYPE } from '../project-labels.js';
import { ProjectsService } from '../projects.service.js';
import {
  PROMOTION_TABLE,
  promotionContent,
  PromotionsQueries,
  type PromotionRow,
} from './promotions.queries.js';
import { loadVisibleUpdate, type IssuedProjectRow, type LedgerFilter } from './update-access.js';
import {
  evidenceFiles,
  evidenceMissingMessage,
  pastDateErrors,
  type PromotionFormDto,
} from './update-forms.dto.js';

const promotionTitle = (projectName: string, form: PromotionFormDto) =>
  `${projectName}·经验复制推广（${form.promotedOn}）`;

/**
 * 经验复制推广推进更新 (seed 001 4.4): how the project's reform experience was promoted (media,
 * press conference, site visit, …), with the date and evidence (own reviewer → office).
 */
@Injectable()
export class PromotionsService {
  constructor(
    private readonly kit: RecordKit,
    private readonly queries: PromotionsQueries,
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
      const dateErrors = pastDateErrors(form.promotedOn, chinaDate(this.clock.now()), '推广日期');
      if (dateErrors) {
        errors.promotedOn = dateErrors;
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
    return this.kit.fileRecord(
      {
        type: PROJECT_PROMOTION_TYPE,
        title: promotionTitle(project.name, form),
        ownerUnitId: project.responsible_unit_id,
        files: evidenceFiles(form),
        submit: form.submit,
      },
      user,
      ip,
      (manager, id) =>
        insertRow(manager, PROMOTION_TABLE.table, {
          id,
          lineage_id: id,
          project_id: project.id,
          ...promotionContent(form),
        }),
    );
  }

  async update(id: string, form: PromotionFormDto, user: AuthUser, ip?: string): Promise<void> {
    const { project } = await this.load(id, user);
    await this.kit.updateDraft(
      id,
      { type: PROJECT_PROMOTION_TYPE, field: 'methodId', validate: () => this.check(form) },
      {
        title: promotionTitle(project.name, form),
        files: evidenceFiles(form),
        submit: form.submit,
      },
      user,
      ip,
      (manager) => updateRow(manager, PROMOTION_TABLE.table, id, promotionContent(form)),
    );
  }

  async revise(id: string, user: AuthUser, ip?: string): Promise<string> {
    await this.load(id, user);
    return this.kit.reviseRecord(id, PROMOTION_TABLE, user, ip);
  }

  async load(id: string, user: AuthUser) {
    const { item, row, project } = await loadVisibleUpdate(
      { workflow: this.workflow, projects: this.projects },
      PROJECT_PROMOTION_TYPE,
      (rowId) => this.queries.find(rowId),
      id,
      user,
    );
    return { item, promotion: row, project };
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
    filter: LedgerFilter & { methodId?: number },
    pageSize = DEFAULT_PAGE_SIZE,
    db?: SqlRunner,
  ): Promise<{ rows: PromotionRow[]; total: number }> {
    return this.queries.ledger(user, filter, pageSize, db);
  }

  approvedForProject(projectId: string) {
    return this.queries.approvedForProject(projectId);
  }
}
