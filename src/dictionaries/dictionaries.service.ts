import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DictionaryKind } from './dictionary-item.entity.js';

export interface DictionaryOption {
  id: number;
  code: string;
  label: string;
  parentId: number | null;
  description: string | null;
}

/** Read access to the admin-editable dictionaries (领域, 跑道, 驳回理由, …) for every module's forms. */
@Injectable()
export class DictionariesService {
  constructor(private readonly dataSource: DataSource) {}

  async activeOptions(kind: DictionaryKind, parentId?: number): Promise<DictionaryOption[]> {
    const params: unknown[] = [kind];
    let parentCondition = '';
    if (parentId !== undefined) {
      params.push(parentId);
      parentCondition = `AND parent_id = $2`;
    }
    const rows: {
      id: number;
      code: string;
      label: string;
      parent_id: number | null;
      description: string | null;
    }[] = await this.dataSource.query(
      `SELECT id, code, label, parent_id, description FROM dictionary_items
          WHERE kind = $1 AND active ${parentCondition} ORDER BY sort_order, id`,
      params,
    );
    return rows.map((row) => ({
      id: row.id,
      code: row.code,
      label: row.label,
      parentId: row.parent_id,
      description: row.description,
    }));
  }

  /** True when `id` is an active item of `kind` (and, if given, a child of `parentId`). */
  async isActive(kind: DictionaryKind, id: number, parentId?: number): Promise<boolean> {
    const rows: { ok: boolean }[] = await this.dataSource.query(
      `SELECT true AS ok FROM dictionary_items WHERE id = $1 AND kind = $2 AND active AND ($3::int IS NULL OR parent_id = $3)`,
      [id, kind, parentId ?? null],
    );
    return rows.length > 0;
  }
}
