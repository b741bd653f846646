import type { SqlRunner } from '../database/sql.js';

/** The job table's statements (scheduled_jobs): register, claim one due job, finish it. */
export const SchedulerQueries = {
  /** A new job's first run; an existing job keeps its own (a restart changes nothing). */
  async ensure(runner: SqlRunner, name: string, firstRun: Date): Promise<void> {
    await runner.query(
      `INSERT INTO scheduled_jobs (name, next_run_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
      [name, firstRun],
    );
  },

  /**
   * Claims one due job of those this instance knows, for the caller's transaction: another instance
   * skips the locked row (SKIP LOCKED) and, once this one commits, sees its next run in the future.
   */
  async claimDue(runner: SqlRunner, names: string[], now: Date): Promise<string | undefined> {
    const rows = (await runner.query(
      `SELECT name FROM scheduled_jobs WHERE name = ANY($1::text[]) AND next_run_at <= $2
        ORDER BY next_run_at, name LIMIT 1 FOR UPDATE SKIP LOCKED`,
      [names, now],
    )) as { name: string }[];
    return rows[0]?.name;
  },

  async markStarted(runner: SqlRunner, name: string, now: Date): Promise<void> {
    await runner.query(`UPDATE scheduled_jobs SET last_started_at = $2 WHERE name = $1`, [
      name,
      now,
    ]);
  },

  async finish(
    runner: SqlRunner,
    name: string,
    now: Date,
    next: Date,
    error: string | null,
  ): Promise<void> {
    await runner.query(
      `UPDATE scheduled_jobs SET next_run_at = $3, last_finished_at = $2, last_error = $4, run_count = run_count + 1
        WHERE name = $1`,
      [name, now, next, error],
    );
  },

  async list(runner: SqlRunner) {
    return (await runner.query(
      `SELECT name, next_run_at, last_started_at, last_finished_at, last_error, run_count FROM scheduled_jobs ORDER BY name`,
    )) as {
      name: string;
      next_run_at: Date;
      last_started_at: Date | null;
      last_finished_at: Date | null;
      last_error: string | null;
      run_count: number;
    }[];
  },
};
