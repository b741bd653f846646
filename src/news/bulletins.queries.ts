import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { returningRows } from '../database/sql.js';

export interface BulletinRow {
  id: string;
  year: number;
  issue_no: number;
  issued_on: string;
  editor_note: string;
  submitted_to: string;
  copied_to: string;
  published_at: Date | null;
}

export interface BulletinItemRow {
  news_item_id: string;
  position: number;
  title: string;
  body: string;
  unit_name: string;
}

const BULLETIN = `SELECT id, year, issue_no, to_char(issued_on, 'YYYY-MM-DD') AS issued_on, editor_note, submitted_to,
                         copied_to, published_at FROM news_bulletins`;

/** An issue's own columns in the order INSERT and UPDATE write them (year … copied_to). */
const bulletinColumns = (bulletin: Omit<BulletinRow, 'id' | 'published_at'>) => [
  bulletin.year,
  bulletin.issue_no,
  bulletin.issued_on,
  bulletin.editor_note,
  bulletin.submitted_to,
  bulletin.copied_to,
];

/** The SQL of 《改革简报》. */
@Injectable()
export class BulletinsQueries {
  constructor(private readonly dataSource: DataSource) {}

  /** Approved items (the revision in force) the office may put in an issue, newest first. */
  candidates() {
    return this.dataSource.query<
      { id: string; title: string; unit_name: string; occurred_on: string; uses: string }[]
    >(
      `SELECT n.id, n.title, u.name AS unit_name, to_char(n.occurred_on, 'YYYY-MM-DD') AS occurred_on,
              (SELECT coalesce(string_agg(DISTINCT k.kind, ','), '') FROM news_uses k WHERE k.news_item_id = n.id) AS uses
         FROM news_items n JOIN workflow_items wi ON wi.id = n.id AND wi.is_current_approved
         JOIN units u ON u.id = n.unit_id
        ORDER BY n.occurred_on DESC, wi.approved_at DESC LIMIT 200`,
    );
  }

  async approvedIds(ids: readonly string[]): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT n.id FROM news_items n JOIN workflow_items wi ON wi.id = n.id AND wi.is_current_approved
        WHERE n.id = ANY($1::uuid[])`,
      [ids],
    );
    return rows.map((row) => row.id);
  }

  async issueTaken(year: number, issueNo: number, except?: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM news_bulletins WHERE year = $1 AND issue_no = $2 AND id IS DISTINCT FROM $3::uuid`,
      [year, issueNo, except ?? null],
    );
    return rows.length > 0;
  }

  async insert(
    manager: EntityManager,
    bulletin: Omit<BulletinRow, 'id' | 'published_at'> & { createdBy: string },
  ): Promise<string> {
    const rows = await manager.query<{ id: string }[]>(
      `INSERT INTO news_bulletins (year, issue_no, issued_on, editor_note, submitted_to, copied_to, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [...bulletinColumns(bulletin), bulletin.createdBy],
    );
    return rows[0].id;
  }

  async update(
    manager: EntityManager,
    id: string,
    bulletin: Omit<BulletinRow, 'id' | 'published_at'>,
  ): Promise<void> {
    await manager.query(
      `UPDATE news_bulletins SET year = $2, issue_no = $3, issued_on = $4, editor_note = $5, submitted_to = $6, copied_to = $7
        WHERE id = $1 AND published_at IS NULL`,
      [id, ...bulletinColumns(bulletin)],
    );
  }

  async setItems(
    manager: EntityManager,
    id: string,
    items: { newsItemId: string; title: string }[],
  ): Promise<void> {
    await manager.query(`DELETE FROM news_bulletin_items WHERE bulletin_id = $1`, [id]);
    for (const [position, item] of items.entries()) {
      await manager.query(
        `INSERT INTO news_bulletin_items (bulletin_id, news_item_id, position, title) VALUES ($1, $2, $3, $4)`,
        [id, item.newsItemId, position + 1, item.title],
      );
    }
  }

  async find(id: string, manager: EntityManager | DataSource = this.dataSource) {
    const rows = await manager.query<BulletinRow[]>(`${BULLETIN} WHERE id = $1`, [id]);
    if (!rows[0]) {
      return undefined;
    }
    const items = await manager.query<BulletinItemRow[]>(
      `SELECT b.news_item_id, b.position, b.title, n.body, u.name AS unit_name
         FROM news_bulletin_items b JOIN news_items n ON n.id = b.news_item_id JOIN units u ON u.id = n.unit_id
        WHERE b.bulletin_id = $1 ORDER BY b.position`,
      [id],
    );
    return { ...rows[0], items };
  }

  /** Published issues for everyone; the office also sees drafts. */
  list(withDrafts: boolean) {
    return this.dataSource.query<(BulletinRow & { items: number })[]>(
      `SELECT b.id, b.year, b.issue_no, to_char(b.issued_on, 'YYYY-MM-DD') AS issued_on, b.published_at,
              (SELECT count(*)::int FROM news_bulletin_items i WHERE i.bulletin_id = b.id) AS items
         FROM news_bulletins b WHERE $1 OR b.published_at IS NOT NULL
        ORDER BY b.year DESC, b.issue_no DESC`,
      [withDrafts],
    );
  }

  /** Marks a draft published; false when it was already published (or is gone). */
  async publish(manager: EntityManager, id: string): Promise<boolean> {
    const rows = await returningRows<{ id: string }>(
      manager,
      `UPDATE news_bulletins SET published_at = now() WHERE id = $1 AND published_at IS NULL RETURNING id`,
      [id],
    );
    return rows.length > 0;
  }

  /** The next free 期号 of a year. */
  async nextIssueNo(year: number): Promise<number> {
    const rows: { next: number }[] = await this.dataSource.query(
      `SELECT coalesce(max(issue_no), 0)::int + 1 AS next FROM news_bulletins WHERE year = $1`,
      [year],
    );
    return rows[0].next;
  }
}
