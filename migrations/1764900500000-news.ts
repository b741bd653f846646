import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 工作动态 (work news): items filed by units (own reviewer → office), the uses the office records
 * on approved items (系统发布, 《改革简报》采用, 报送上级采用, 领导批示), the office's requests for
 * pieces (约稿) and the issues of 《改革简报》 composed from adopted items.
 */
export class News1764900500000 implements MigrationInterface {
  name = 'News1764900500000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE news_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        topic varchar(200) NOT NULL,
        details text NOT NULL DEFAULT '',
        deadline date NOT NULL,
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE news_request_units (
        request_id uuid NOT NULL REFERENCES news_requests(id) ON DELETE CASCADE,
        unit_id integer NOT NULL REFERENCES units(id),
        PRIMARY KEY (request_id, unit_id)
      )`);
    await db.query(`CREATE INDEX news_request_units_unit ON news_request_units (unit_id)`);
    await db.query(`
      CREATE TABLE news_items (
        id uuid PRIMARY KEY REFERENCES workflow_items(id) ON DELETE CASCADE,
        lineage_id uuid NOT NULL,
        unit_id integer NOT NULL REFERENCES units(id),
        title varchar(200) NOT NULL,
        body text NOT NULL,
        occurred_on date NOT NULL,
        domain_id integer NOT NULL REFERENCES dictionary_items(id),
        request_id uuid REFERENCES news_requests(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX news_items_unit ON news_items (unit_id, occurred_on)`);
    await db.query(`CREATE INDEX news_items_request ON news_items (request_id)`);
    await db.query(`
      CREATE TABLE news_bulletins (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        year integer NOT NULL,
        issue_no integer NOT NULL CHECK (issue_no >= 1),
        issued_on date NOT NULL,
        editor_note text NOT NULL DEFAULT '',
        submitted_to varchar(300) NOT NULL DEFAULT '',
        copied_to varchar(300) NOT NULL DEFAULT '',
        published_at timestamptz,
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (year, issue_no)
      )`);
    await db.query(`
      CREATE TABLE news_bulletin_items (
        bulletin_id uuid NOT NULL REFERENCES news_bulletins(id) ON DELETE CASCADE,
        news_item_id uuid NOT NULL REFERENCES news_items(id),
        position integer NOT NULL,
        title varchar(200) NOT NULL,
        PRIMARY KEY (bulletin_id, news_item_id)
      )`);
    await db.query(`
      CREATE TABLE news_uses (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        news_item_id uuid NOT NULL REFERENCES news_items(id),
        kind varchar(20) NOT NULL CHECK (kind IN ('published', 'bulletin', 'superior', 'instruction')),
        used_on date NOT NULL,
        bulletin_id uuid REFERENCES news_bulletins(id),
        issue_label varchar(60),
        instructed_by varchar(100),
        note text NOT NULL DEFAULT '',
        recorded_by uuid NOT NULL REFERENCES users(id),
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX news_uses_item ON news_uses (news_item_id)`);
    await db.query(`CREATE INDEX news_uses_used_on ON news_uses (used_on, kind)`);
    await db.query(
      `CREATE UNIQUE INDEX news_uses_published_once ON news_uses (news_item_id) WHERE kind = 'published'`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE news_uses`);
    await db.query(`DROP TABLE news_bulletin_items`);
    await db.query(`DROP TABLE news_bulletins`);
    await db.query(`DROP TABLE news_items`);
    await db.query(`DROP TABLE news_request_units`);
    await db.query(`DROP TABLE news_requests`);
  }
}
