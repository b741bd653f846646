import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ledgers at city scale: the current approved revisions of a record type in the order ledger pages
 * show them (newest first), so a page walks the index and stops after its rows instead of sorting
 * every approved record of the type.
 */
export class LedgerOrderIndexes1763871500000 implements MigrationInterface {
  name = 'LedgerOrderIndexes1763871500000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE INDEX workflow_items_current_by_type ON workflow_items (record_type, updated_at DESC, id) WHERE is_current_approved`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX workflow_items_current_by_type`);
  }
}
