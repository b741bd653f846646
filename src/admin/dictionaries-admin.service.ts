import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth-context.js';
import { type FieldErrors, FormInvalidException } from '../common/forms/form-validation.js';
import type { DictionaryKind } from '../dictionaries/dictionary-kinds.js';
import { DictionariesService } from '../dictionaries/dictionaries.service.js';
import { foundRow } from '../database/found-row.js';
import type { DictionaryItemFormDto } from './dto/user-form.dto.js';

export interface AdminDictionaryRow {
  id: number;
  kind: DictionaryKind;
  code: string;
  label: string;
  description: string | null;
  parent_id: number | null;
  sort_order: number;
  active: boolean;
}

/**
 * 字典管理: items are never deleted (old records refer to them), only deactivated. Tracks (跑道)
 * belong to a domain (领域) and are managed on the domain page.
 */
@Injectable()
export class DictionariesAdminService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly dictionaries: DictionariesService,
  ) {}

  /** The items of a kind; for domains each one carries its tracks. */
  async list(kind: DictionaryKind) {
    const rows: AdminDictionaryRow[] = await this.dataSource.query(
      `SELECT id, kind, code, label, description, parent_id, sort_order, active FROM dictionary_items
        WHERE kind = $1::varchar OR ($1::varchar = 'domain' AND kind = 'track') ORDER BY sort_order, id`,
      [kind],
    );
    const items = rows.filter(
      (row) => row.kind === kind && (kind !== 'affirmation_kind' || row.parent_id === null),
    );
    return items.map((item) => ({
      ...item,
      children: rows.filter((row) => row.parent_id === item.id),
    }));
  }

  async find(id: number): Promise<AdminDictionaryRow> {
    return foundRow<AdminDictionaryRow>(
      this.dataSource,
      `SELECT id, kind, code, label, description, parent_id, sort_order, active FROM dictionary_items WHERE id = $1`,
      [id],
    );
  }

  /** The rules of the item form a DTO cannot check; fields the DTO refused (`failed`) are skipped. */
  async formErrors(
    kind: DictionaryKind,
    form: DictionaryItemFormDto,
    failed: ReadonlySet<string> = new Set(),
  ): Promise<FieldErrors> {
    if (kind !== 'track' || failed.has('parentId')) {
      return {};
    }
    return (await this.domainId(form.parentId)) === undefined
      ? { parentId: ['请选择所属领域'] }
      : {};
  }

  /** A track's domain: the id when it names a domain. */
  private async domainId(parentId: number | undefined): Promise<number | undefined> {
    const parents: { id: number }[] = await this.dataSource.query(
      `SELECT id FROM dictionary_items WHERE id = $1 AND kind = 'domain'`,
      [parentId ?? 0],
    );
    return parents[0]?.id;
  }

  async create(
    kind: DictionaryKind,
    form: DictionaryItemFormDto,
    admin: AuthUser,
    ip?: string,
  ): Promise<number> {
    let parentId: number | null = null;
    if (kind === 'track') {
      parentId = (await this.domainId(form.parentId)) ?? null;
      if (parentId === null) {
        throw FormInvalidException.field('parentId', '请选择所属领域');
      }
    }
    const code = form.code || `${kind}_${Date.now().toString(36)}`;
    try {
      const id = await this.audit.change(
        (itemId: number) => ({
          action: 'dictionary_created',
          actor: admin,
          ip,
          target: { type: kind, id: itemId, label: form.label },
          detail: { code },
        }),
        async (manager) => {
          const rows: { id: number }[] = await manager.query(
            `INSERT INTO dictionary_items (kind, code, label, description, parent_id, sort_order)
             VALUES ($1::varchar, $2, $3, $4, $5, coalesce($6, (SELECT coalesce(max(sort_order), 0) + 1 FROM dictionary_items WHERE kind = $1::varchar)))
             RETURNING id`,
            [kind, code, form.label, form.description || null, parentId, form.sortOrder ?? null],
          );
          return rows[0].id;
        },
      );
      this.dictionaries.invalidate();
      return id;
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw FormInvalidException.field('code', '该编码已被使用');
      }
      throw error;
    }
  }

  async update(
    id: number,
    form: DictionaryItemFormDto,
    admin: AuthUser,
    ip?: string,
  ): Promise<void> {
    const before = await this.find(id);
    await this.changeItem(
      before,
      'label = $2, description = $3, sort_order = coalesce($4, sort_order)',
      [form.label, form.description || null, form.sortOrder ?? null],
      {
        admin,
        ip,
        label: form.label,
        detail: {
          label: [before.label, form.label],
          description: [before.description ?? '', form.description || ''],
          ...(form.sortOrder === undefined || form.sortOrder === null
            ? {}
            : { sortOrder: [before.sort_order, form.sortOrder] }),
        },
      },
    );
  }

  async setActive(
    id: number,
    active: boolean,
    admin: AuthUser,
    ip?: string,
  ): Promise<DictionaryKind> {
    const item = await this.find(id);
    await this.changeItem(item, 'active = $2', [active], {
      admin,
      ip,
      label: item.label,
      detail: { active: [item.active, active] },
    });
    return item.kind;
  }

  /**
   * Sets the item's columns (`set`, its id `$1`, then `values`) and stamps updated_at, audited as
   * dictionary_updated under the item's kind.
   */
  private async changeItem(
    item: AdminDictionaryRow,
    set: string,
    values: unknown[],
    entry: { admin: AuthUser; ip?: string; label: string; detail: Record<string, unknown> },
  ): Promise<void> {
    await this.audit.change(
      {
        action: 'dictionary_updated',
        actor: entry.admin,
        ip: entry.ip,
        target: { type: item.kind, id: item.id, label: entry.label },
        detail: entry.detail,
      },
      (manager) =>
        manager.query(`UPDATE dictionary_items SET ${set}, updated_at = now() WHERE id = $1`, [
          item.id,
          ...values,
        ]),
    );
    this.dictionaries.invalidate();
  }
}
