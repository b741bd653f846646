import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { STATUS_OF, type DueRow } from '../deadlines/deadlines.queries.js';

export interface NewsRequestRow {
  id: string;
  topic: string;
  details: string;
  deadline: string;
  created_at: Date;
  unit_names: string;
  /** Units asked, and how many of them answered with a submitted item. */
  units: number;
  answered: number;
}

/** The SQL of 约稿 (the office's requests for a piece). */
@Injectable()
export class NewsRequestsQueries {
  constructor(private readonly dataSource: DataSource) {}

  /** Requests addressed to the unit that it has not yet answered with a submitted item. */
  openForUnit(unitId: number, today: string) {
    return this.dataSource.query<
      { id: string; topic: string; deadline: string; overdue: boolean }[]
    >(
      `SELECT r.id, r.topic, to_char(r.deadline, 'YYYY-MM-DD') AS deadline, r.deadline < $2::date AS overdue
         FROM news_requests r JOIN news_request_units ru ON ru.request_id = r.id AND ru.unit_id = $1
        WHERE NOT EXISTS (SELECT 1 FROM news_items n JOIN workflow_items wi ON wi.id = n.id
                           WHERE n.request_id = r.id AND n.unit_id = $1 AND wi.state <> 'draft')
        ORDER BY r.deadline, r.created_at`,
      [unitId, today],
    );
  }

  /**
   * The 约稿 due from `from` to `to` (China dates), one row per unit asked: filed once the unit has
   * an item answering the request in review (reviewing) or approved; a draft or an item sent back
   * is not filed yet. The item is the request for one unit (`<request id>:<unit id>`), so each
   * unit asked is reminded of it once.
   */
  dueItems(from: string, to: string, unitId: number | null): Promise<DueRow[]> {
    return this.dataSource.query<DueRow[]>(
      `SELECT r.id || ':' || ru.unit_id AS item_key, 'request' AS period, ru.unit_id, u.name AS unit_name, r.topic AS title,
              to_char(r.deadline, 'YYYY-MM-DD') AS due_on,
              ${STATUS_OF(
                `news_items n JOIN workflow_items wi ON wi.id = n.id
                 WHERE n.request_id = r.id AND n.unit_id = ru.unit_id`,
              )} AS status
         FROM news_requests r
         JOIN news_request_units ru ON ru.request_id = r.id
         JOIN units u ON u.id = ru.unit_id
        WHERE r.deadline BETWEEN $1::date AND $2::date AND ($3::int IS NULL OR ru.unit_id = $3)`,
      [from, to, unitId],
    );
  }

  async isAddressedTo(requestId: string, unitId: number): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM news_request_units WHERE request_id = $1 AND unit_id = $2`,
      [requestId, unitId],
    );
    return rows.length > 0;
  }

  async insert(
    manager: EntityManager,
    request: { topic: string; details: string; deadline: string; unitIds: number[]; by: string },
  ): Promise<string> {
    const rows = await manager.query<{ id: string }[]>(
      `INSERT INTO news_requests (topic, details, deadline, created_by) VALUES ($1, $2, $3, $4) RETURNING id`,
      [request.topic, request.details, request.deadline, request.by],
    );
    await manager.query(
      `INSERT INTO news_request_units (request_id, unit_id) SELECT $1, unnest($2::int[])`,
      [rows[0].id, request.unitIds],
    );
    return rows[0].id;
  }

  /** Every request (the office's list), newest first, with how many units answered. */
  list() {
    return this.dataSource.query<NewsRequestRow[]>(
      `SELECT r.id, r.topic, r.details, to_char(r.deadline, 'YYYY-MM-DD') AS deadline, r.created_at,
              string_agg(u.name, '、' ORDER BY u.sort_order) AS unit_names, count(*)::int AS units,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM news_items n JOIN workflow_items wi ON wi.id = n.id
                                              WHERE n.request_id = r.id AND n.unit_id = ru.unit_id AND wi.state <> 'draft'))::int AS answered
         FROM news_requests r
         JOIN news_request_units ru ON ru.request_id = r.id
         JOIN units u ON u.id = ru.unit_id
        GROUP BY r.id ORDER BY r.created_at DESC`,
    );
  }

  /** One request with, per unit asked, the submitted item answering it (if any). */
  async find(id: string) {
    const rows = await this.dataSource.query<
      { id: string; topic: string; details: string; deadline: string }[]
    >(
      `SELECT id, topic, details, to_char(deadline, 'YYYY-MM-DD') AS deadline FROM news_requests WHERE id = $1`,
      [id],
    );
    if (!rows[0]) {
      return undefined;
    }
    const units = await this.dataSource.query<
      { unit_id: number; unit_name: string; news_id: string | null; news_title: string | null }[]
    >(
      `SELECT u.id AS unit_id, u.name AS unit_name, a.id AS news_id, a.title AS news_title
         FROM news_request_units ru JOIN units u ON u.id = ru.unit_id
         LEFT JOIN LATERAL (SELECT n.id, n.title FROM news_items n JOIN workflow_items wi ON wi.id = n.id
                             WHERE n.request_id = ru.request_id AND n.unit_id = ru.unit_id AND wi.state <> 'draft'
                             ORDER BY wi.submitted_at LIMIT 1) a ON true
        WHERE ru.request_id = $1 ORDER BY u.sort_order`,
      [id],
    );
    return { ...rows[0], units };
  }

  /** Units a request was sent to (they may read it). */
  async unitIds(id: string): Promise<number[]> {
    const rows: { unit_id: number }[] = await this.dataSource.query(
      `SELECT unit_id FROM news_request_units WHERE request_id = $1`,
      [id],
    );
    return rows.map((row) => row.unit_id);
  }

  /** The ids among `ids` of active filing units (districts and departments). */
  async filingUnitIds(ids: readonly number[]): Promise<number[]> {
    const rows: { id: number }[] = await this.dataSource.query(
      `SELECT id FROM units WHERE id = ANY($1::int[]) AND active AND kind IN ('district', 'department')`,
      [ids],
    );
    return rows.map((row) => row.id);
  }

  /** Requests sent to a unit, newest first, with whether it answered. */
  forUnit(unitId: number) {
    return this.dataSource.query<(NewsRequestRow & { answered_by_unit: boolean })[]>(
      `SELECT r.id, r.topic, r.details, to_char(r.deadline, 'YYYY-MM-DD') AS deadline, r.created_at,
              '' AS unit_names, 1 AS units, 0 AS answered,
              EXISTS (SELECT 1 FROM news_items n JOIN workflow_items wi ON wi.id = n.id
                       WHERE n.request_id = r.id AND n.unit_id = $1 AND wi.state <> 'draft') AS answered_by_unit
         FROM news_requests r JOIN news_request_units ru ON ru.request_id = r.id AND ru.unit_id = $1
        ORDER BY r.created_at DESC`,
      [unitId],
    );
  }
}
