import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Authentication per 等保 level 3: TOTP second factor (secret encrypted at rest, last step used
 * against replay), single-use recovery codes (keyed hashes only), password history, and sessions
 * that wait for the second factor and can be listed and ended one by one.
 */
export class AuthenticationFactors1763871400000 implements MigrationInterface {
  name = 'AuthenticationFactors1763871400000';

  async up(db: QueryRunner): Promise<void> {
    // One TOTP key per user. confirmed_at stays NULL while enrolment waits for the first code.
    await db.query(`
      CREATE TABLE user_totp (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        secret_sealed text NOT NULL,
        confirmed_at timestamptz,
        last_used_step bigint,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);

    await db.query(`
      CREATE TABLE user_recovery_codes (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        code_hash char(64) NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (user_id, code_hash)
      )`);

    // Previous password hashes (argon2id), newest first by id; the current one stays in users.
    await db.query(`
      CREATE TABLE password_history (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        password_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX password_history_user ON password_history (user_id, id DESC)`);

    // public_id names a session on the session list without exposing its id hash.
    await db.query(`
      ALTER TABLE sessions
        ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
        ADD COLUMN awaiting_second_factor boolean NOT NULL DEFAULT false`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE sessions DROP COLUMN awaiting_second_factor, DROP COLUMN public_id`,
    );
    await db.query(`DROP TABLE password_history`);
    await db.query(`DROP TABLE user_recovery_codes`);
    await db.query(`DROP TABLE user_totp`);
  }
}
