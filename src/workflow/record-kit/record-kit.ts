import { Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { AttachmentsService } from '../../attachments/attachments.service.js';
import type { AuthUser } from '../../auth/auth-context.js';
import { FormInvalidException } from '../../common/forms/form-validation.js';
import type { WorkflowItemRow } from '../workflow-item.js';
import { WorkflowService } from '../workflow.service.js';

/** A module's record table as the kit copies it for a new revision. */
export interface RecordTable {
  /** The workflow record type whose content rows the table holds. */
  type: string;
  table: string;
  /** Every content column a new revision copies, besides `id` (`lineage_id` among them). */
  columns: readonly string[];
}

/** What one save of a filing form does beside writing the module's row. */
export interface RecordSave {
  /** The workflow item's title (the inbox and 我的填报 show it). */
  title: string;
  competentUnitId?: number | null;
  /** Attachment field → the ids the form posted (all of a field's links are replaced). */
  files?: Record<string, readonly string[]>;
  /** Submit to the first review step in the same transaction. */
  submit?: boolean;
  /** Runs in the transaction just before the submit (e.g. stamping the first submission). */
  beforeSubmit?: (manager: EntityManager, id: string) => Promise<void>;
}

/**
 * The record kit: filing, editing and revising a module's record in one transaction each — the
 * workflow item, the module's row, its attachments and the optional submit — so a module writes
 * only its own INSERT/UPDATE and its rules.
 */
@Injectable()
export class RecordKit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly workflow: WorkflowService,
    private readonly attachments: AttachmentsService,
  ) {}

  /**
   * A new record (revision 1, draft) owned by `ownerUnitId`: `insert` writes the module's row
   * (id = lineage id = the returned id).
   */
  async fileRecord(
    filing: RecordSave & { type: string; ownerUnitId: number },
    user: AuthUser,
    ip: string | undefined,
    insert: (manager: EntityManager, id: string) => Promise<void>,
  ): Promise<string> {
    const id = randomUUID();
    await this.dataSource.transaction(async (manager) => {
      await this.workflow.createDraft(
        manager,
        {
          type: filing.type,
          id,
          title: filing.title,
          ownerUnitId: filing.ownerUnitId,
          competentUnitId: filing.competentUnitId,
        },
        user,
      );
      await insert(manager, id);
      await this.finish(manager, id, filing, user, ip);
    });
    return id;
  }

  /**
   * Saves an editable revision: 404 unless the user may read a record of `type` with this id, the
   * read-only reason as an error of `field` unless the user may edit it now; then `validate` (the
   * module's rules, given the revision's item), `update` (the module's row), the item's title (kept
   * when `save` has none), the files and the submit.
   */
  async updateDraft(
    id: string,
    record: {
      type: string;
      field: string;
      validate?: (item: WorkflowItemRow) => Promise<void> | void;
    },
    save: Omit<RecordSave, 'title'> & { title?: string },
    user: AuthUser,
    ip: string | undefined,
    update: (manager: EntityManager, item: WorkflowItemRow) => Promise<void>,
  ): Promise<void> {
    await record.validate?.(await this.requireEditable(id, record.type, record.field, user));
    await this.dataSource.transaction(async (manager) => {
      const item = await this.requireEditable(id, record.type, record.field, user, manager);
      await update(manager, item);
      await this.workflow.updateDraft(manager, id, {
        title: save.title ?? item.title,
        competentUnitId: save.competentUnitId,
      });
      await this.finish(manager, id, save, user, ip);
    });
  }

  /** 发起变更: a new draft revision of an approved record, its row copied (files come along). */
  async reviseRecord(
    id: string,
    table: RecordTable,
    user: AuthUser,
    ip?: string,
    copied?: (manager: EntityManager, newId: string) => Promise<void>,
  ): Promise<string> {
    const newId = randomUUID();
    await this.dataSource.transaction(async (manager) => {
      await this.requireVisible(id, table.type, user, manager);
      await this.workflow.openRevision(manager, id, newId, user, ip);
      const columns = table.columns.join(', ');
      await manager.query(
        `INSERT INTO ${table.table} (id, ${columns}) SELECT $2, ${columns} FROM ${table.table} WHERE id = $1`,
        [id, newId],
      );
      await copied?.(manager, newId);
    });
    return newId;
  }

  /** A transaction for a module's other writes (the kit owns the DataSource for its modules). */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** The record's workflow item when the user may read it and it is of `type`; 404 otherwise. */
  async requireVisible(
    id: string,
    type: string,
    user: AuthUser,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<WorkflowItemRow> {
    const item = await this.workflow.findItem(id, manager);
    if (!item || item.record_type !== type || !(await this.workflow.mayView(item, user))) {
      throw new NotFoundException();
    }
    return item;
  }

  private async requireEditable(
    id: string,
    type: string,
    field: string,
    user: AuthUser,
    manager?: EntityManager,
  ): Promise<WorkflowItemRow> {
    const item = await this.requireVisible(id, type, user, manager);
    if (!this.workflow.isEditableBy(item, user)) {
      throw FormInvalidException.field(
        field,
        this.workflow.readOnlyReason(item, user) ?? '当前不能修改',
      );
    }
    return item;
  }

  private async finish(
    manager: EntityManager,
    id: string,
    save: Omit<RecordSave, 'title'>,
    user: AuthUser,
    ip: string | undefined,
  ): Promise<void> {
    for (const [field, ids] of Object.entries(save.files ?? {})) {
      await this.attachments.linkToItem(manager, id, field, ids, user);
    }
    if (save.submit) {
      await save.beforeSubmit?.(manager, id);
      await this.workflow.transition(id, { action: 'submit' }, user, ip, manager);
    }
  }
}
