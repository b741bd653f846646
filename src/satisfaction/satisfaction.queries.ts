import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/auth-context.js';
import type { WorkflowState } from '../workflow/workflow-chain.js';
import { listingUnion } from '../workflow/workflow-visibility.js';

export const SATISFACTION_TYPE = 'satisfaction_return';

/** The SQL of 区县改革满意度. */
@Injectable()
export class SatisfactionQueries {
  constructor(private readonly dataSource: DataSource) {}

  districts(): Promise<{ id: number; name: string }[]> {
    return this.dataSource.query(
      `SELECT id, name FROM units WHERE kind = 'district' AND active ORDER BY sort_order`,
    );
  }

  async quarterTaken(quarter: string): Promise<boolean> {
    const rows: { count: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS count FROM satisfaction_returns WHERE quarter = $1`,
      [quarter],
    );
    return (rows[0]?.count ?? 0) > 0;
  }

  async insertScores(
    manager: EntityManager,
    returnId: string,
    scores: ReadonlyMap<number, number>,
  ): Promise<void> {
    for (const [unitId, score] of scores) {
      await manager.query(
        `INSERT INTO satisfaction_scores (return_id, unit_id, score) VALUES ($1, $2, $3)`,
        [returnId, unitId, score],
      );
    }
  }

  async find(id: string): Promise<{ quarter: string; conclusion: string } | undefined> {
    const rows: { quarter: string; conclusion: string }[] = await this.dataSource.query(
      `SELECT quarter, conclusion FROM satisfaction_returns WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  scores(returnId: string): Promise<{ unit_id: number; unit_name: string; score: string }[]> {
    return this.dataSource.query(
      `SELECT s.unit_id, u.name AS unit_name, s.score::text FROM satisfaction_scores s JOIN units u ON u.id = s.unit_id WHERE s.return_id = $1 ORDER BY u.sort_order`,
      [returnId],
    );
  }

  /** The returns the user's list shows (the shared listing rule), newest quarter first. */
  list(user: AuthUser) {
    return this.dataSource.query<
      { id: string; quarter: string; state: WorkflowState; updated_at: Date }[]
    >(
      `SELECT v.* FROM (${listingUnion(
        user,
        {},
        (visibility) =>
          `SELECT r.id, r.quarter, wi.state, wi.updated_at FROM satisfaction_returns r JOIN workflow_items wi ON wi.id = r.id
            WHERE ${visibility}`,
      )}) v ORDER BY v.quarter DESC`,
      [user.unitId],
    );
  }

  /** Quarter by quarter, the approved score of a district (the cockpit's trend). */
  historyByDistrict(unitId: number): Promise<{ quarter: string; score: number }[]> {
    return this.dataSource
      .query<{ quarter: string; score: string }[]>(
        `SELECT r.quarter, s.score::text FROM satisfaction_scores s
           JOIN satisfaction_returns r ON r.id = s.return_id
           JOIN workflow_items wi ON wi.id = r.id AND wi.is_current_approved
          WHERE s.unit_id = $1 ORDER BY r.quarter`,
        [unitId],
      )
      .then((rows) => rows.map((row) => ({ quarter: row.quarter, score: Number(row.score) })));
  }

  /**
   * The quarter's approved score of every district (exact decimal text); when several returns of
   * the quarter were approved, the one approved last counts.
   */
  scoresForQuarter(
    quarter: string,
  ): Promise<{ unitId: number; score: string; returnId: string }[]> {
    return this.dataSource
      .query<{ unit_id: number; score: string; return_id: string }[]>(
        `SELECT DISTINCT ON (s.unit_id) s.unit_id, s.score::text, r.id AS return_id
           FROM satisfaction_scores s
           JOIN satisfaction_returns r ON r.id = s.return_id AND r.quarter = $1
           JOIN workflow_items wi ON wi.id = r.id AND wi.is_current_approved
          ORDER BY s.unit_id, wi.approved_at DESC`,
        [quarter],
      )
      .then((rows) =>
        rows.map((row) => ({ unitId: row.unit_id, score: row.score, returnId: row.return_id })),
      );
  }

  /** The latest quarter up to `quarter` (included) with approved scores, if any. */
  async latestApprovedQuarter(quarter: string): Promise<string | undefined> {
    const rows = await this.dataSource.query<{ quarter: string | null }[]>(
      `SELECT max(r.quarter) AS quarter FROM satisfaction_returns r
         JOIN workflow_items wi ON wi.id = r.id AND wi.is_current_approved
        WHERE r.quarter <= $1`,
      [quarter],
    );
    return rows[0]?.quarter ?? undefined;
  }

  /** Quarter by quarter, the city's mean, lowest and highest approved district score (cockpit trend). */
  cityTrend(): Promise<{ quarter: string; mean: number; min: number; max: number }[]> {
    return this.dataSource
      .query<{ quarter: string; mean: string; min: string; max: string }[]>(
        `SELECT quarter, round(avg(score), 2)::text AS mean, min(score)::text AS min, max(score)::text AS max
           FROM (SELECT DISTINCT ON (r.quarter, s.unit_id) r.quarter, s.score
                   FROM satisfaction_scores s
                   JOIN satisfaction_returns r ON r.id = s.return_id
                   JOIN workflow_items wi ON wi.id = r.id AND wi.is_current_approved
                  ORDER BY r.quarter, s.unit_id, wi.approved_at DESC) latest
          GROUP BY quarter ORDER BY quarter`,
      )
      .then((rows) =>
        rows.map((row) => ({
          quarter: row.quarter,
          mean: Number(row.mean),
          min: Number(row.min),
          max: Number(row.max),
        })),
      );
  }
}
