import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AttachmentsService } from '../attachments/attachments.service.js';
import type { AuthUser } from '../auth/auth-context.js';
import { hasRole, seesAllApproved } from '../auth/auth-context.js';
import { FormInvalidException, type FieldErrors } from '../common/forms/form-validation.js';
import { DEFAULT_PAGE_SIZE } from '../common/http/pagination.js';
import { chinaDate, parseChinaDate } from '../common/time/china-time.js';
import { Clock } from '../common/time/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { SqlConditions } from '../database/sql.js';
import { WORKFLOW_STATE_LABELS, type WorkflowState } from '../workflow/workflow-chain.js';
import { WorkflowService } from '../workflow/workflow.service.js';
import type { ShowcaseCategory, ShowcaseFormDto } from './showcase-form.dto.js';
import type { SqlRunner } from '../database/sql-runner.js';
import { evidenceMissing } from '../common/forms/evidence-rule.js';

export const SHOWCASE_TYPE = 'showcase_highlight';

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

export interface DistrictBrandCounts {
  unitId: number;
  unitName: string;
  national: number;
  citywide: number;
  centralMedia: number;
}

/**
 * 成效晾晒: units file highlights (own reviewer → office); only dates inside the evaluation year
 * count; the counts per district feed 改革品牌榜, 一地创新·全市推广 and 品牌显示度.
 */
@Injectable()
export class ShowcaseService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly workflow: WorkflowService,
    private readonly attachments: AttachmentsService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The first day of the evaluation year (configurable; otherwise 1 January of this year in China). */
  yearStart(): string {
    return this.config.evaluationYearStart ?? `${chinaDate(this.clock.now()).slice(0, 4)}-01-01`;
  }

  /** The sub-kinds of a category (表三 ①–⑦, ①–⑥, the five outlets). */
  async subKinds(category: ShowcaseCategory): Promise<{ id: number; label: string }[]> {
    return this.dataSource.query(
      `SELECT c.id, c.label FROM dictionary_items c JOIN dictionary_items p ON p.id = c.parent_id
        WHERE p.kind = 'affirmation_kind' AND p.code = $1 AND c.active ORDER BY c.sort_order, c.id`,
      [category],
    );
  }

  async definitions(): Promise<{ code: string; label: string; description: string | null }[]> {
    return this.dataSource.query(
      `SELECT code, label, description FROM dictionary_items WHERE kind = 'affirmation_kind' AND parent_id IS NULL ORDER BY sort_order`,
    );
  }

  /**
   * The rules of the form a DTO cannot check, all at once. Fields the DTO refused (`failed`) are
   * not checked (see validateForm).
   */
  async formErrors(
    form: ShowcaseFormDto,
    failed: ReadonlySet<string> = new Set(),
  ): Promise<FieldErrors> {
    const errors: FieldErrors = {};
    if (!failed.has('category') && !failed.has('subKindId')) {
      const subKinds = await this.subKinds(form.category);
      if (!subKinds.some((kind) => kind.id === form.subKindId)) {
        errors.subKindId = ['所选具体情形不属于该类别，请重新选择'];
      }
    }
    if (!failed.has('happenedOn')) {
      const start = this.yearStart();
      const happenedOn = parseChinaDate(form.happenedOn);
      if (!happenedOn) {
        errors.happenedOn = ['请填写有效日期'];
      } else if (happenedOn < start) {
        errors.happenedOn = [`只填报 ${start} 以来获肯定、推广、报道的情形`];
      } else if (happenedOn > chinaDate(this.clock.now())) {
        errors.happenedOn = ['日期不能晚于今天'];
      }
    }
    if (
      !failed.has('category') &&
      !failed.has('singleReport') &&
      form.category === 'central_media' &&
      !form.singleReport
    ) {
      errors.singleReport = ['须为前4家报纸单篇或《新闻联播》单条报道（不含综合报道及仅点名提及）'];
    }
    if (evidenceMissing(form, failed)) {
      errors.evidence = ['请上传佐证材料（如会议通知、文件、报道截图）；涉密的请勾选“材料涉密”'];
    }
    return errors;
  }

  private async check(form: ShowcaseFormDto): Promise<void> {
    const errors = await this.formErrors(form);
    if (Object.keys(errors).length > 0) {
      throw new FormInvalidException(errors);
    }
  }

  async create(form: ShowcaseFormDto, user: AuthUser, ip?: string): Promise<string> {
    if (!hasRole(user, 'entry') || user.unitKind === 'office') {
      throw new NotFoundException();
    }
    await this.check(form);
    const id = randomUUID();
    await this.dataSource.transaction(async (manager) => {
      await this.workflow.createDraft(
        manager,
        { type: SHOWCASE_TYPE, id, title: form.matter, ownerUnitId: user.unitId },
        user,
      );
      await manager.query(
        `INSERT INTO showcase_highlights (id, lineage_id, unit_id, matter, category, sub_kind_id, happened_on, problems_solved, results, evidence_classified)
         VALUES ($1, $1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          id,
          user.unitId,
          form.matter,
          form.category,
          form.subKindId,
          form.happenedOn,
          form.problemsSolved,
          form.results,
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

  async update(id: string, form: ShowcaseFormDto, user: AuthUser, ip?: string): Promise<void> {
    const item = await this.workflow.findVisibleItem(id, user);
    if (item.record_type !== SHOWCASE_TYPE) {
      throw new NotFoundException();
    }
    if (!this.workflow.isEditableBy(item, user)) {
      throw FormInvalidException.field(
        'matter',
        this.workflow.readOnlyReason(item, user) ?? '当前不能修改',
      );
    }
    await this.check(form);
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `UPDATE showcase_highlights SET matter = $2, category = $3, sub_kind_id = $4, happened_on = $5, problems_solved = $6,
                results = $7, evidence_classified = $8, updated_at = now() WHERE id = $1`,
        [
          id,
          form.matter,
          form.category,
          form.subKindId,
          form.happenedOn,
          form.problemsSolved,
          form.results,
          form.evidenceClassified,
        ],
      );
      await this.workflow.updateDraft(manager, id, { title: form.matter });
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

  async page(id: string, user: AuthUser) {
    const item = await this.workflow.findVisibleItem(id, user);
    const rows: (Omit<ShowcaseRow, 'categoryLabel' | 'stateLabel'> & {
      evidence_classified: boolean;
      sub_kind_id: number;
    })[] = await this.dataSource.query(
      `SELECT h.id, h.matter, u.name AS unit_name, h.category, h.sub_kind_id, k.label AS sub_kind,
              to_char(h.happened_on, 'YYYY-MM-DD') AS happened_on, h.problems_solved, h.results, h.evidence_classified
         FROM showcase_highlights h JOIN units u ON u.id = h.unit_id JOIN dictionary_items k ON k.id = h.sub_kind_id
        WHERE h.id = $1`,
      [id],
    );
    if (!rows[0] || item.record_type !== SHOWCASE_TYPE) {
      throw new NotFoundException();
    }
    return {
      item,
      highlight: { ...rows[0], categoryLabel: CATEGORY_LABELS[rows[0].category] },
      files: await this.attachments.listForItem(id),
      editable: this.workflow.isEditableBy(item, user),
    };
  }

  /** Ledger: outside the unit the current approved revision only; the unit sees its own in any state. */
  async ledger(
    user: AuthUser,
    filter: {
      unitId?: number;
      category?: ShowcaseCategory;
      subKindId?: number;
      from?: string;
      to?: string;
      state?: WorkflowState;
      page: number;
    },
    pageSize = DEFAULT_PAGE_SIZE,
    db: SqlRunner = this.dataSource,
  ): Promise<{ rows: ShowcaseRow[]; total: number }> {
    const conditions = new SqlConditions([user.unitId]).raw(
      `((h.unit_id = $1 AND NOT EXISTS (SELECT 1 FROM workflow_items n WHERE n.lineage_id = wi.lineage_id AND n.revision > wi.revision))
        OR (h.unit_id <> $1 AND wi.is_current_approved AND ${seesAllApproved(user)}))`,
    );
    if (filter.unitId) {
      conditions.add('h.unit_id = ?', filter.unitId);
    }
    if (filter.category) {
      conditions.add('h.category = ?', filter.category);
    }
    if (filter.subKindId) {
      conditions.add('h.sub_kind_id = ?', filter.subKindId);
    }
    if (filter.from) {
      conditions.add('h.happened_on >= ?::date', filter.from);
    }
    if (filter.to) {
      conditions.add('h.happened_on <= ?::date', filter.to);
    }
    if (filter.state) {
      conditions.add('wi.state = ?', filter.state);
    }
    const limit = conditions.bind(pageSize);
    const offset = conditions.bind((filter.page - 1) * pageSize);
    const rows: (Omit<ShowcaseRow, 'categoryLabel' | 'stateLabel'> & { total: number })[] =
      await db.query(
        `SELECT h.id, h.matter, u.name AS unit_name, h.category, k.label AS sub_kind, to_char(h.happened_on, 'YYYY-MM-DD') AS happened_on,
              h.problems_solved, h.results, wi.state, wi.updated_at, count(*) OVER ()::int AS total
         FROM showcase_highlights h
         JOIN workflow_items wi ON wi.id = h.id
         JOIN units u ON u.id = h.unit_id
         JOIN dictionary_items k ON k.id = h.sub_kind_id
        WHERE ${String(conditions)}
        ORDER BY h.happened_on DESC, h.id
        LIMIT ${limit} OFFSET ${offset}`,
        conditions.params,
      );
    return {
      total: rows[0]?.total ?? 0,
      rows: rows.map(({ total: _total, ...row }) => ({
        ...row,
        categoryLabel: CATEGORY_LABELS[row.category],
        stateLabel: WORKFLOW_STATE_LABELS[row.state],
      })),
    };
  }

  /**
   * 改革品牌榜 (and 一地创新·全市推广 = the city-wide column): per district, approved highlights
   * dated from the year start up to `asOf`.
   */
  async brandCountsByDistrict(
    asOf: string = chinaDate(this.clock.now()),
    from: string = this.yearStart(),
  ): Promise<DistrictBrandCounts[]> {
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
