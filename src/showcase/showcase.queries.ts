import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { LedgerSql } from '../workflow/record-kit/ledger-sql.js';
import { ledgerReader } from '../workflow/record-kit/ledger-reader.js';
import type { RecordTable } from '../workflow/record-kit/record-kit.js';
import { WORKFLOW_STATE_LABELS, type WorkflowState } from '../workflow/workflow-chain.js';
import type { ShowcaseCategory, ShowcaseFormDto } from './dto/showcase-form.dto.js';

export const SHOWCASE_TYPE = 'showcase_highlight';

/** The form's content as the row's columns (what an edit writes). */
export function highlightContent(form: ShowcaseFormDto): Record<string, unknown> {
  return {
    matter: form.matter,
    category: form.category,
    sub_kind_id: form.subKindId,
    happened_on: form.happenedOn,
    problems_solved: form.problemsSolved,
    results: form.results,
    evidence_classified: form.evidenceClassified,
  };
}

export const SHOWCASE_TABLE: RecordTable = {
  type: SHOWCASE_TYPE,
  table: 'showcase_highlights',
  columns: [
    'lineage_id',
    'unit_id',
    'matter',
    'category',
    'sub_kind_id',
    'happened_on',
    'problems_solved',
    'results',
    'evidence_classified',
  ],
};

export const CATEGORY_LABELS: Record<ShowcaseCategory, string> = {
  national: '改革经验获全国性肯定评价',
  citywide: '改革经验获全市推广',
  central_media: '改革经验被5家中央媒体深度专题报道',
};

export interface ShowcaseRow {
  id: string;
  matter: string;
  unit_name: string;
  category: ShowcaseCategory;
  categoryLabel: string;
  sub_kind: string;
  happened_on: string;
  problems_solved: string;
  results: string;
  state: WorkflowState;
  stateLabel: string;
  updated_at: Date;
}

/** The showcase ledger's filters; `from`/`to` filter the date, both inclusive. */
export interface ShowcaseLedgerFilter {
  unitId?: number;
  category?: ShowcaseCategory;
  subKindId?: number;
  from?: string;
  to?: string;
  state?: WorkflowState;
  page: number;
}

export interface DistrictBrandCounts {
  unitId: number;
  unitName: string;
  national: number;
  citywide: number;
  centralMedia: number;
}

export type HighlightPageRow = Omit<
  ShowcaseRow,
  'categoryLabel' | 'stateLabel' | 'state' | 'updated_at'
> & {
  evidence_classified: boolean;
  sub_kind_id: number;
};

const SHOWCASE_LEDGER: LedgerSql<
  ShowcaseLedgerFilter,
  Omit<ShowcaseRow, 'categoryLabel' | 'stateLabel'>,
  ShowcaseRow
> = {
  scope: {},
  from: `SELECT h.id, h.matter, u.name AS unit_name, h.category, k.label AS sub_kind,
                to_char(h.happened_on, 'YYYY-MM-DD') AS happened_on, h.problems_solved, h.results, wi.state, wi.updated_at
           FROM showcase_highlights h
           JOIN workflow_items wi ON wi.id = h.id
           JOIN units u ON u.id = h.unit_id
           JOIN dictionary_items k ON k.id = h.sub_kind_id`,
  order: 'v.happened_on DESC, v.id',
  where: {
    unitId: 'h.unit_id = ?',
    category: 'h.category = ?',
    subKindId: 'h.sub_kind_id = ?',
    from: 'h.happened_on >= ?::date',
    to: 'h.happened_on <= ?::date',
    state: 'wi.state = ?',
  },
  view: (row) => ({
    ...row,
    categoryLabel: CATEGORY_LABELS[row.category],
    stateLabel: WORKFLOW_STATE_LABELS[row.state],
  }),
};

/** The SQL of 成效晾晒. */
@Injectable()
export class ShowcaseQueries {
  constructor(private readonly dataSource: DataSource) {}

  /** The sub-kinds of a category (表三 ①–⑦, ①–⑥, the five outlets). */
  subKinds(category: ShowcaseCategory): Promise<{ id: number; label: string }[]> {
    return this.dataSource.query(
      `SELECT c.id, c.label FROM dictionary_items c JOIN dictionary_items p ON p.id = c.parent_id
        WHERE p.kind = 'affirmation_kind' AND p.code = $1 AND c.active ORDER BY c.sort_order, c.id`,
      [category],
    );
  }

  definitions(): Promise<{ code: string; label: string; description: string | null }[]> {
    return this.dataSource.query(
      `SELECT code, label, description FROM dictionary_items WHERE kind = 'affirmation_kind' AND parent_id IS NULL ORDER BY sort_order`,
    );
  }

  async find(id: string): Promise<HighlightPageRow | undefined> {
    const rows: HighlightPageRow[] = await this.dataSource.query(
      `SELECT h.id, h.matter, u.name AS unit_name, h.category, h.sub_kind_id, k.label AS sub_kind,
              to_char(h.happened_on, 'YYYY-MM-DD') AS happened_on, h.problems_solved, h.results, h.evidence_classified
         FROM showcase_highlights h JOIN units u ON u.id = h.unit_id JOIN dictionary_items k ON k.id = h.sub_kind_id
        WHERE h.id = $1`,
      [id],
    );
    return rows[0];
  }

  /** Ledger: outside the unit the current approved revision only; the unit sees its own in any state. */
  readonly ledger = ledgerReader(() => this.dataSource, SHOWCASE_LEDGER);

  /**
   * 改革品牌榜 (and 一地创新·全市推广 = the city-wide column): per district, approved highlights
   * dated from the year start up to `asOf`.
   */
  async brandCountsByDistrict(asOf: string, from: string): Promise<DistrictBrandCounts[]> {
    const rows: {
      unit_id: number;
      unit_name: string;
      national: number;
      citywide: number;
      central_media: number;
    }[] = await this.dataSource.query(
      `SELECT u.id AS unit_id, u.name AS unit_name,
                count(h.id) FILTER (WHERE h.category = 'national')::int AS national,
                count(h.id) FILTER (WHERE h.category = 'citywide')::int AS citywide,
                count(h.id) FILTER (WHERE h.category = 'central_media')::int AS central_media
           FROM units u
           LEFT JOIN showcase_highlights h ON h.unit_id = u.id AND h.happened_on BETWEEN $1::date AND $2::date
                AND EXISTS (SELECT 1 FROM workflow_items wi WHERE wi.id = h.id AND wi.is_current_approved)
          WHERE u.kind = 'district' AND u.active
          GROUP BY u.id
          ORDER BY u.sort_order`,
      [from, asOf],
    );
    return rows.map((row) => ({
      unitId: row.unit_id,
      unitName: row.unit_name,
      national: row.national,
      citywide: row.citywide,
      centralMedia: row.central_media,
    }));
  }

  /** The approved highlights of districts dated `from`..`to`: the records behind the brand counts. */
  async approvedHighlights(
    from: string,
    to: string,
  ): Promise<
    { id: string; unitId: number; matter: string; category: ShowcaseCategory; happenedOn: string }[]
  > {
    const rows = await this.dataSource.query<
      {
        id: string;
        unit_id: number;
        matter: string;
        category: ShowcaseCategory;
        happened_on: string;
      }[]
    >(
      `SELECT h.id, h.unit_id, h.matter, h.category, to_char(h.happened_on, 'YYYY-MM-DD') AS happened_on
         FROM showcase_highlights h
         JOIN workflow_items wi ON wi.id = h.id AND wi.is_current_approved AND wi.record_type = $3
         JOIN units u ON u.id = h.unit_id AND u.kind = 'district'
        WHERE h.happened_on BETWEEN $1::date AND $2::date
        ORDER BY h.happened_on, h.id`,
      // The record type lets the join read only the highlights among the approved records.
      [from, to, SHOWCASE_TYPE],
    );
    return rows.map((row) => ({
      id: row.id,
      unitId: row.unit_id,
      matter: row.matter,
      category: row.category,
      happenedOn: row.happened_on,
    }));
  }
}
