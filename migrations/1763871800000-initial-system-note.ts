import type { MigrationInterface, QueryRunner } from 'typeorm';

const DEVELOPER_NOTE = '初始指标体系（种子文件附件及 DESIGN §4）';
const USER_NOTE = '初始指标体系（依据填报说明附件的指标及分值）';

/**
 * The first indicator systems were seeded with a note that cited the design documents; the office
 * reads that note in the version list, so it now says where the indicators come from in its words.
 */
export class InitialSystemNote1763871800000 implements MigrationInterface {
  name = 'InitialSystemNote1763871800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`UPDATE indicator_systems SET note = $2 WHERE version = 1 AND note = $1`, [
      DEVELOPER_NOTE,
      USER_NOTE,
    ]);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`UPDATE indicator_systems SET note = $1 WHERE version = 1 AND note = $2`, [
      DEVELOPER_NOTE,
      USER_NOTE,
    ]);
  }
}
