import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A cumulative (累计值) core indicator now holds cumulative monthly targets — the value to reach by
 * the end of each month, December's being the annual target — instead of increments that added up
 * to the annual target. Existing cumulative indicators (drafts, issued versions) are converted to
 * their running sums, which say the same thing; increment (当期值) indicators are unchanged.
 */
export class CumulativeMonthlyTargets1764400100000 implements MigrationInterface {
  name = 'CumulativeMonthlyTargets1764400100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      UPDATE map_indicators mi
         SET monthly_targets = (
           SELECT array_agg(running ORDER BY month)
             FROM (SELECT month, sum(target) OVER (ORDER BY month) AS running
                     FROM unnest(mi.monthly_targets) WITH ORDINALITY AS t(target, month)) sums)
       WHERE cumulative`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      UPDATE map_indicators mi
         SET monthly_targets = (
           SELECT array_agg(target - coalesce(previous, 0) ORDER BY month)
             FROM (SELECT month, target, lag(target) OVER (ORDER BY month) AS previous
                     FROM unnest(mi.monthly_targets) WITH ORDINALITY AS t(target, month)) steps)
       WHERE cumulative`);
  }
}
