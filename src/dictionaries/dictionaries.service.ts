import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DictionaryKind } from './dictionary-kinds.js';

export interface DictionaryOption {
  id: number;
  code: string;
  label: string;
  parentId: number | null;
  description: string | null;
}

/** How long option lists are reused: dictionaries change through the admin pages, rarely. */
const OPTIONS_TTL_MS = 60_000;

/**
 * Read access to the admin-editable dictionaries (领域, 跑道, 驳回理由, …) for every module's forms.
 * The option lists behind forms and ledger filters are read once a minute, not on every page;
 * the admin pages call `invalidate` after a change (other instances follow within the minute).
 * `isActive`, which guards what is stored, always asks the database.
 */
@Injectable()
export class DictionariesService {
  private readonly cached = new Map<string, { at: number; options: Promise<DictionaryOption[]> }>();

  constructor(private readonly dataSource: DataSource) {}

  activeOptions(kind: DictionaryKind, parentId?: number): Promise<DictionaryOption[]> {
    const key = `${kind}:${parentId ?? ''}`;
    const hit = this.cached.get(key);
    if (hit && Date.now() - hit.at <= OPTIONS_TTL_MS) {
      return hit.options;
    }
    const options = this.readOptions(kind, parentId);
    this.cached.set(key, { at: Date.now(), options });
    options.catch(() => this.cached.delete(key));
    return options;
  }

  invalidate(): void {
    this.cached.clear();
  }

  private async readOptions(kind: DictionaryKind, parentId?: number): Promise<DictionaryOption[]> {
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
