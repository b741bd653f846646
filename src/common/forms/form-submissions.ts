import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** The hidden field a filing form carries its one-time token in (partials/_once.hbs). */
export const ONCE_FIELD = '_once';

const TOKEN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The token a posted form carries, when it carries a well-formed one. */
export function onceTokenOf(body: unknown): string | undefined {
  const value =
    typeof body === 'object' && body !== null
      ? (body as Record<string, unknown>)[ONCE_FIELD]
      : undefined;
  return typeof value === 'string' && TOKEN.test(value) ? value : undefined;
}

/** What an earlier submission of the same form came to. */
export type EarlierSubmission = { location: string } | { inFlight: true };

/**
 * Each filing form is saved once: the first submission of a token claims it (in the database, so
 * every app instance sees it), a successful save records where the record is, and a refused save
 * gives the token back so the corrected form can be sent again. Any later submission of the same
 * token learns where the record is (or that the first is still being saved).
 */
@Injectable()
export class FormSubmissions {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Undefined when this submission claimed the token; otherwise the earlier one's outcome. A
   * double click sends the second request while the first is being saved: it waits (up to
   * `waitMs`) for the first to finish, so the browser ends on the record, not on a refusal.
   */
  async claim(
    token: string,
    userId: string,
    waitMs = 5000,
  ): Promise<EarlierSubmission | undefined> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      // A claim never settled (the instance died mid-request) is given up after a minute.
      await this.dataSource.query(
        `DELETE FROM form_submissions
          WHERE token = $1 AND location IS NULL AND created_at < now() - interval '1 minute'`,
        [token],
      );
      const claimed = await this.dataSource.query<{ token: string }[]>(
        `INSERT INTO form_submissions (token, user_id) VALUES ($1, $2)
         ON CONFLICT (token) DO NOTHING RETURNING token`,
        [token, userId],
      );
      if (claimed.length > 0) {
        return undefined;
      }
      const earlier = await this.dataSource.query<{ user_id: string; location: string | null }[]>(
        `SELECT user_id, location FROM form_submissions WHERE token = $1`,
        [token],
      );
      const row = earlier[0];
      if (row === undefined) {
        // Settled without a record (that save was refused) in between: claim it again.
        continue;
      }
      if (row.user_id !== userId) {
        return { inFlight: true };
      }
      if (row.location) {
        return { location: row.location };
      }
      if (Date.now() >= deadline) {
        return { inFlight: true };
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** After the handler: where the saved record is, or the token given back (nothing was saved). */
  async settle(token: string, location: string | undefined): Promise<void> {
    if (location) {
      await this.dataSource.query(`UPDATE form_submissions SET location = $2 WHERE token = $1`, [
        token,
        location,
      ]);
    } else {
      await this.dataSource.query(`DELETE FROM form_submissions WHERE token = $1`, [token]);
    }
  }

  async purgeOlderThanADay(): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM form_submissions WHERE created_at < now() - interval '1 day'`,
    );
  }
}
