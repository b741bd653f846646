import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AttachmentsService } from '../../attachments/attachments.service.js';
import type { AuthUser } from '../../auth/auth-context.js';
import { evidenceMissing } from '../../common/forms/evidence-rule.js';
import { FormInvalidException, type FieldErrors } from '../../common/forms/form-validation.js';
import { DEFAULT_PAGE_SIZE } from '../../common/http/pagination.js';
import { chinaDate } from '../../common/time/china-time.js';
import { Clock } from '../../common/time/clock.js';
import { insertRow, updateRow } from '../../database/sql.js';
import type { SqlRunner } from '../../database/sql-runner.js';
import { RecordKit, type RecordTable } from '../../workflow/record-kit/record-kit.js';
import type { WorkflowItemRow } from '../../workflow/workflow-item.js';
import { WorkflowService } from '../../workflow/workflow.service.js';
import { ProjectsService, type ProjectRow } from '../projects.service.js';
import {
  loadVisibleUpdate,
  projectIdOf,
  requireFilingProject,
  type LedgerFilter,
} from './update-access.js';
import {
  evidenceFiles,
  evidenceMissingMessage,
  pastDateErrors,
  type UpdateFormFields,
} from './update-forms.dto.js';

/** What every update type's service needs from the app (one provider, one constructor argument). */
@Injectable()
export class ProjectUpdateDeps {
  constructor(
    readonly kit: RecordKit,
    readonly workflow: WorkflowService,
    readonly projects: ProjectsService,
    readonly attachments: AttachmentsService,
    readonly clock: Clock,
  ) {}
}

/** What a new update is filed under: its project (and, for a plan update, the plan). */
export interface UpdateContext {
  project: ProjectRow;
}

/** One update type as data: its workflow record type, its table and how a form becomes a row. */
export interface UpdateKind<D> {
  table: RecordTable;
  /** The form field that shows why a revision cannot be edited now. */
  field: string;
  /** The form's content as the row's columns (what an edit writes and a revision copies). */
  content: (form: D) => Record<string, unknown>;
}

/** The SQL an update type's service reads through. */
export interface UpdateQueries<R, L, F> {
  find(id: string): Promise<R | undefined>;
  ledger(
    user: AuthUser,
    filter: LedgerFilter & F,
    pageSize: number,
    db?: SqlRunner,
  ): Promise<{ rows: L[]; total: number }>;
}

/**
 * The service of a monthly update type filed by the responsible department's clerk (own reviewer
 * → office) with evidence — 月度计划推进更新, 经验复制推广, 品牌显示度: filing, editing and revising
 * through the record kit, the record's page and its ledger. A subclass gives its kind, its title,
 * its form rules and, where it has more, what it is filed under.
 */
export abstract class ProjectUpdateService<
  D extends UpdateFormFields,
  R extends { project_id: string },
  L = R,
  F = object,
  C extends UpdateContext = UpdateContext,
> {
  protected abstract readonly kind: UpdateKind<D>;

  constructor(
    protected readonly deps: ProjectUpdateDeps,
    protected readonly queries: UpdateQueries<R, L, F>,
  ) {}

  /** The rules of the form a DTO cannot check, all at once (fields in `failed` not checked). */
  abstract formErrors(form: D, failed?: ReadonlySet<string>): FieldErrors | Promise<FieldErrors>;

  /** The workflow item's title. */
  protected abstract title(context: C, form: D): string;

  /** Runs in the submit's transaction (e.g. stamping the first submission). */
  protected beforeSubmit?: (manager: EntityManager, id: string) => Promise<void>;

  /** What a new update is filed under, from the new-form route's parameters (404/409 otherwise). */
  async filingContext(params: Record<string, string>, user: AuthUser): Promise<C> {
    const project = await requireFilingProject(this.deps.projects, projectIdOf(params), user);
    return { project } as C;
  }

  /** The columns a new row has besides its content (the project's, the plan's). */
  protected filedColumns(context: C): Record<string, unknown> {
    return { project_id: context.project.id };
  }

  /** Writes the content of an edited revision. */
  protected writeUpdate(
    manager: EntityManager,
    id: string,
    form: D,
    _loaded: { record: R },
  ): Promise<void> {
    return updateRow(manager, this.kind.table.table, id, this.kind.content(form));
  }

  /**
   * The rules every dated update shares: its date (`field`) a real day no later than today, and
   * evidence unless classified. Fields in `failed` are not checked.
   */
  protected datedUpdateErrors(
    form: D,
    failed: ReadonlySet<string>,
    field: keyof D & string,
    label: string,
  ): FieldErrors {
    const errors: FieldErrors = {};
    if (!failed.has(field)) {
      const today = chinaDate(this.deps.clock.now());
      const dateErrors = pastDateErrors(form[field] as string, today, label);
      if (dateErrors) {
        errors[field] = dateErrors;
      }
    }
    if (evidenceMissing(form, failed)) {
      errors.evidence = [evidenceMissingMessage()];
    }
    return errors;
  }

  private async check(form: D): Promise<void> {
    const errors = await this.formErrors(form);
    if (Object.keys(errors).length > 0) {
      throw new FormInvalidException(errors);
    }
  }

  async create(context: C, form: D, user: AuthUser, ip?: string): Promise<string> {
    await this.check(form);
    return this.deps.kit.fileRecord(
      {
        type: this.kind.table.type,
        title: this.title(context, form),
        ownerUnitId: context.project.responsible_unit_id,
        files: evidenceFiles(form),
        submit: form.submit,
        beforeSubmit: this.beforeSubmit,
      },
      user,
      ip,
      (manager, id) =>
        insertRow(manager, this.kind.table.table, {
          id,
          lineage_id: id,
          ...this.filedColumns(context),
          ...this.kind.content(form),
        }),
    );
  }

  async update(id: string, form: D, user: AuthUser, ip?: string): Promise<void> {
    const loaded = await this.load(id, user);
    await this.deps.kit.updateDraft(
      id,
      { type: this.kind.table.type, field: this.kind.field, validate: () => this.check(form) },
      {
        title: this.title(loaded, form),
        files: evidenceFiles(form),
        submit: form.submit,
        beforeSubmit: this.beforeSubmit,
      },
      user,
      ip,
      (manager) => this.writeUpdate(manager, id, form, loaded),
    );
  }

  /** 发起变更 of an approved update: a new revision copying it (files come with the workflow). */
  async revise(id: string, user: AuthUser, ip?: string): Promise<string> {
    await this.load(id, user);
    return this.deps.kit.reviseRecord(id, this.kind.table, user, ip);
  }

  /** The record (any revision the user may read), its row and its project; 404 otherwise. */
  async load(id: string, user: AuthUser): Promise<C & { item: WorkflowItemRow; record: R }> {
    const { item, row, project } = await loadVisibleUpdate(
      this.deps,
      this.kind.table.type,
      (rowId) => this.queries.find(rowId),
      id,
      user,
    );
    return { ...(await this.contextOfRecord(row, project)), item, record: row };
  }

  /** What an existing update is filed under. */
  protected contextOfRecord(_row: R, project: ProjectRow): Promise<C> | C {
    return { project } as C;
  }

  /** The record page: the loaded record, its files and whether the user may edit it now. */
  async page(id: string, user: AuthUser) {
    const loaded = await this.load(id, user);
    return {
      ...loaded,
      files: await this.deps.attachments.listForItem(id),
      editable: this.deps.workflow.isEditableBy(loaded.item, user),
    };
  }

  ledger(
    user: AuthUser,
    filter: LedgerFilter & F,
    pageSize = DEFAULT_PAGE_SIZE,
    db?: SqlRunner,
  ): Promise<{ rows: L[]; total: number }> {
    return this.queries.ledger(user, filter, pageSize, db);
  }
}
