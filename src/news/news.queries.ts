import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { SqlConditions } from '../database/sql.js';
import type { SqlRunner } from '../database/sql-runner.js';
import type { LedgerSql } from '../workflow/record-kit/ledger-sql.js';
import { ledgerReader } from '../workflow/record-kit/ledger-reader.js';
import type { RecordTable } from '../workflow/record-kit/record-kit.js';
import { WORKFLOW_STATE_LABELS, type WorkflowState } from '../workflow/workflow-chain.js';
import type { RecordListing } from '../workflow/workflow-visibility.js';
import type { NewsFormDto } from './dto/news-form.dto.js';

export const NEWS_TYPE = 'news_item';

/** How the office used an approved 工作动态. */
export const NEWS_USE_KINDS = ['published', 'bulletin', 'superior', 'instruction'] as const;
export type NewsUseKind = (typeof NEWS_USE_KINDS)[number];
export const NEWS_USE_LABELS: Record<NewsUseKind, string> = {
  published: '系统发布',
  bulletin: '《改革简报》采用',
  superior: '报送上级采用',
  instruction: '领导批示',
};

/** The form's content as the row's columns (what an edit writes). */
export function newsContent(form: NewsFormDto): Record<string, unknown> {
  return {
    title: form.title,
    body: form.body,
    occurred_on: form.occurredOn,
    domain_id: form.domainId,
    request_id: form.requestId || null,
  };
}

export const NEWS_TABLE: RecordTable = {
  type: NEWS_TYPE,
  table: 'news_items',
  columns: ['lineage_id', 'unit_id', 'title', 'body', 'occurred_on', 'domain_id', 'request_id'],
};

/** The office lists items under review beside the approved ones. */
export const NEWS_LISTING: RecordListing = { scope: { officeQueue: true } };

export interface NewsRow {
  id: string;
  title: string;
  body: string;
  occurred_on: string;
  domain_id: number;
  domain: string;
  unit_id: number;
  unit_name: string;
  request_id: string | null;
  request_topic: string | null;
  state: WorkflowState;
  stateLabel: string;
  updated_at: Date;
  use_kinds: string;
  usesLabel: string;
}

export interface NewsLedgerFilter {
  unitId?: number;
  domainId?: number;
  state?: WorkflowState;
  /** 发生日期 from / to, both inclusive. */
  from?: string;
  to?: string;
  q?: string;
  /** Only items with (true) or without (false) a recorded use. */
  adopted?: boolean;
  page: number;
}

export interface NewsUseRow {
  id: string;
  kind: NewsUseKind;
  kindLabel: string;
  used_on: string;
  issue_label: string | null;
  instructed_by: string | null;
  note: string;
  recorded_by_name: string;
}

const SELECT = `SELECT n.id, n.title, n.body, to_char(n.occurred_on, 'YYYY-MM-DD') AS occurred_on, n.domain_id,
         d.label AS domain, n.unit_id, u.name AS unit_name, n.request_id, r.topic AS request_topic,
         wi.state, wi.updated_at,
         (SELECT coalesce(string_agg(DISTINCT k.kind, ','), '') FROM news_uses k WHERE k.news_item_id = n.id) AS use_kinds
    FROM news_items n
    JOIN workflow_items wi ON wi.id = n.id
    JOIN units u ON u.id = n.unit_id
    JOIN dictionary_items d ON d.id = n.domain_id
    LEFT JOIN news_requests r ON r.id = n.request_id`;

type NewsSqlRow = Omit<NewsRow, 'stateLabel' | 'usesLabel'>;
const labelled = (row: NewsSqlRow): NewsRow => ({
  ...row,
  stateLabel: WORKFLOW_STATE_LABELS[row.state],
  usesLabel: row.use_kinds
    .split(',')
    .filter((kind): kind is NewsUseKind => kind in NEWS_USE_LABELS)
    .sort((a, b) => NEWS_USE_KINDS.indexOf(a) - NEWS_USE_KINDS.indexOf(b))
    .map((kind) => NEWS_USE_LABELS[kind])
    .join('、'),
});

/** One published item of the feed. */
export interface NewsFeedRow {
  id: string;
  title: string;
  body: string;
  occurred_on: string;
  unit_name: string;
  domain: string;
  published_on: string;
  image_ids: string[];
}

/** Per-unit counts of the 通报 over a period. */
export interface NewsStatsRow {
  unitId: number;
  unitName: string;
  unitKind: string;
  submitted: number;
  published: number;
  bulletin: number;
  superior: number;
  /** Items with at least one use other than a 领导批示 in the period. */
  adopted: number;
  instructions: number;
}

const NEWS_LEDGER: LedgerSql<NewsLedgerFilter, NewsSqlRow, NewsRow> = {
  scope: NEWS_LISTING.scope,
  from: SELECT,
  order: 'v.occurred_on DESC, v.updated_at DESC, v.id',
  where: {
    unitId: 'n.unit_id = ?',
    domainId: 'n.domain_id = ?',
    state: 'wi.state = ?',
    from: 'n.occurred_on >= ?::date',
    to: 'n.occurred_on <= ?::date',
    q: `n.title ILIKE '%' || ? || '%'`,
    adopted: (conditions, adopted) =>
      conditions.raw(
        `${adopted ? '' : 'NOT '}EXISTS (SELECT 1 FROM news_uses k WHERE k.news_item_id = n.id)`,
      ),
  },
  view: labelled,
};

/** The SQL of 工作动态. */
@Injectable()
export class NewsQueries {
  constructor(private readonly dataSource: DataSource) {}

  async find(id: string): Promise<NewsRow | undefined> {
    const rows: NewsSqlRow[] = await this.dataSource.query(`${SELECT} WHERE n.id = $1`, [id]);
    return rows[0] && labelled(rows[0]);
  }

  /** The media types of attachments by id (for the image rule). */
  mediaTypes(ids: readonly string[]) {
    return this.dataSource.query<{ id: string; original_name: string; media_type: string }[]>(
      `SELECT id, original_name, media_type FROM attachments WHERE id = ANY($1::uuid[])`,
      [ids],
    );
  }

  readonly ledger = ledgerReader(() => this.dataSource, NEWS_LEDGER);

  async uses(newsItemId: string): Promise<NewsUseRow[]> {
    const rows = await this.dataSource.query<Omit<NewsUseRow, 'kindLabel'>[]>(
      `SELECT k.id, k.kind, to_char(k.used_on, 'YYYY-MM-DD') AS used_on, k.issue_label, k.instructed_by, k.note,
              us.name AS recorded_by_name
         FROM news_uses k JOIN users us ON us.id = k.recorded_by
        WHERE k.news_item_id = $1 ORDER BY k.used_on, k.recorded_at`,
      [newsItemId],
    );
    return rows.map((row) => ({ ...row, kindLabel: NEWS_USE_LABELS[row.kind] }));
  }

  async insertUse(
    manager: EntityManager,
    use: {
      newsItemId: string;
      kind: NewsUseKind;
      usedOn: string;
      bulletinId?: string | null;
      issueLabel?: string | null;
      instructedBy?: string | null;
      note?: string;
      recordedBy: string;
    },
  ): Promise<string> {
    const rows = await manager.query<{ id: string }[]>(
      `INSERT INTO news_uses (news_item_id, kind, used_on, bulletin_id, issue_label, instructed_by, note, recorded_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [
        use.newsItemId,
        use.kind,
        use.usedOn,
        use.bulletinId ?? null,
        use.issueLabel ?? null,
        use.instructedBy ?? null,
        use.note ?? '',
        use.recordedBy,
      ],
    );
    return rows[0].id;
  }

  async isPublished(newsItemId: string, manager: SqlRunner = this.dataSource): Promise<boolean> {
    const rows: unknown = await manager.query(
      `SELECT 1 FROM news_uses WHERE news_item_id = $1 AND kind = 'published'`,
      [newsItemId],
    );
    if (!Array.isArray(rows)) {
      return false;
    }
    return rows.length > 0;
  }

  /**
   * The 通报 over [from, to] (China dates, both inclusive): per active district and department,
   * 报送数 (items whose last submission fell in the period, not drafts), the uses recorded in the
   * period by kind (distinct items), 采用数 (distinct items used other than by a 批示) and 批示数.
   */
  async stats(from: string, to: string, unitIds?: readonly number[]): Promise<NewsStatsRow[]> {
    type Counts = Omit<NewsStatsRow, 'unitId' | 'unitName' | 'unitKind'>;
    const rows = await this.dataSource.query<
      ({ unit_id: number; unit_name: string; unit_kind: string } & Counts)[]
    >(
      `WITH submitted AS (
         SELECT n.unit_id, count(*)::int AS submitted
           FROM news_items n JOIN workflow_items wi ON wi.id = n.id
          WHERE wi.state <> 'draft' AND wi.submitted_at >= ($1::date::timestamp AT TIME ZONE 'Asia/Shanghai')
            AND wi.submitted_at < (($2::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
          GROUP BY n.unit_id),
       used AS (
         SELECT n.unit_id,
                count(DISTINCT k.news_item_id) FILTER (WHERE k.kind = 'published')::int AS published,
                count(DISTINCT k.news_item_id) FILTER (WHERE k.kind = 'bulletin')::int AS bulletin,
                count(DISTINCT k.news_item_id) FILTER (WHERE k.kind = 'superior')::int AS superior,
                count(DISTINCT k.news_item_id) FILTER (WHERE k.kind <> 'instruction')::int AS adopted,
                count(*) FILTER (WHERE k.kind = 'instruction')::int AS instructions
           FROM news_uses k JOIN news_items n ON n.id = k.news_item_id
          WHERE k.used_on BETWEEN $1::date AND $2::date
          GROUP BY n.unit_id)
       SELECT u.id AS unit_id, u.name AS unit_name, u.kind AS unit_kind,
              coalesce(s.submitted, 0) AS submitted, coalesce(k.published, 0) AS published,
              coalesce(k.bulletin, 0) AS bulletin, coalesce(k.superior, 0) AS superior,
              coalesce(k.adopted, 0) AS adopted, coalesce(k.instructions, 0) AS instructions
         FROM units u
         LEFT JOIN submitted s ON s.unit_id = u.id
         LEFT JOIN used k ON k.unit_id = u.id
        WHERE u.active AND u.kind IN ('district', 'department')
          AND ($3::int[] IS NULL OR u.id = ANY($3::int[]))
        ORDER BY coalesce(k.adopted, 0) DESC, coalesce(s.submitted, 0) DESC, u.sort_order, u.id`,
      [from, to, unitIds ?? null],
    );
    return rows.map(({ unit_id, unit_name, unit_kind, ...counts }) => ({
      unitId: unit_id,
      unitName: unit_name,
      unitKind: unit_kind,
      ...counts,
    }));
  }

  /**
   * The feed: items the office published (系统发布), approved revision in force, newest
   * publication first, with their image ids; `limit` + 1 rows are read to tell whether more follow.
   */
  async feed(
    filter: { unitId?: number; domainId?: number; from?: string; to?: string; page: number },
    pageSize: number,
  ): Promise<{ rows: NewsFeedRow[]; total: number }> {
    const conditions = new SqlConditions();
    if (filter.unitId) {
      conditions.add('n.unit_id = ?', filter.unitId);
    }
    if (filter.domainId) {
      conditions.add('n.domain_id = ?', filter.domainId);
    }
    if (filter.from) {
      conditions.add('n.occurred_on >= ?::date', filter.from);
    }
    if (filter.to) {
      conditions.add('n.occurred_on <= ?::date', filter.to);
    }
    const limit = conditions.bind(pageSize);
    const offset = conditions.bind((filter.page - 1) * pageSize);
    const rows = await this.dataSource.query<(NewsFeedRow & { total: number })[]>(
      `SELECT n.id, n.title, n.body, to_char(n.occurred_on, 'YYYY-MM-DD') AS occurred_on, u.name AS unit_name,
              d.label AS domain, to_char(k.used_on, 'YYYY-MM-DD') AS published_on,
              coalesce((SELECT array_agg(l.attachment_id::text ORDER BY l.position) FROM workflow_item_attachments l
                         WHERE l.item_id = n.id AND l.field = 'images'), '{}') AS image_ids,
              count(*) OVER ()::int AS total
         FROM news_uses k
         JOIN news_items n ON n.id = k.news_item_id
         JOIN workflow_items wi ON wi.id = n.id AND wi.is_current_approved
         JOIN units u ON u.id = n.unit_id
         JOIN dictionary_items d ON d.id = n.domain_id
        WHERE k.kind = 'published' AND ${String(conditions)}
        ORDER BY k.used_on DESC, k.recorded_at DESC, n.id
        LIMIT ${limit} OFFSET ${offset}`,
      conditions.params,
    );
    return {
      total: rows[0]?.total ?? 0,
      rows: rows.map(({ total: _total, ...row }) => row),
    };
  }

  /** An image of a published item, or undefined when the item is not published or has no such image. */
  async publishedImage(
    newsItemId: string,
    attachmentId: string,
  ): Promise<{ media_type: string; content: Buffer; sha256: string } | undefined> {
    const rows = await this.dataSource.query<
      { media_type: string; content: Buffer; sha256: string }[]
    >(
      `SELECT a.media_type, a.content, a.sha256
         FROM workflow_item_attachments l
         JOIN attachments a ON a.id = l.attachment_id
         JOIN workflow_items wi ON wi.id = l.item_id AND wi.is_current_approved
        WHERE l.item_id = $1 AND l.attachment_id = $2 AND l.field = 'images'
          AND EXISTS (SELECT 1 FROM news_uses k WHERE k.news_item_id = l.item_id AND k.kind = 'published')`,
      [newsItemId, attachmentId],
    );
    return rows[0];
  }
}
