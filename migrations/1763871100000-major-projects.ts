import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 市级重大改革项目 (seed 001). The office enters a project; the responsible department draws its
 * battle map (作战图), a workflow record ending in the office's 确认下发. An issued map becomes
 * version 1; each approved 措施迭代申请 makes the next version. Map content (indicators, measures,
 * plans) hangs off a `content_id`: a battle-map revision while drafted, or an issued version.
 * Indicators, measures and plans keep a stable `*_key` across versions so progress filed against
 * one version carries over to the next.
 */
export class MajorProjects1763871100000 implements MigrationInterface {
  name = 'MajorProjects1763871100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE major_projects (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(200) NOT NULL,
        domain_id integer NOT NULL REFERENCES dictionary_items(id),
        responsible_unit_id integer NOT NULL REFERENCES units(id),
        lead_leader varchar(100) NOT NULL,
        status varchar(20) NOT NULL DEFAULT 'accelerating' CHECK (status IN ('accelerating', 'closed')),
        plan_year integer NOT NULL CHECK (plan_year BETWEEN 2017 AND 2100),
        map_lineage_id uuid NOT NULL UNIQUE,
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX major_projects_unit ON major_projects (responsible_unit_id)`);

    // The battle map as filed: one row per workflow revision (id = workflow item id).
    await db.query(`
      CREATE TABLE battle_maps (
        id uuid PRIMARY KEY REFERENCES workflow_items(id) ON DELETE CASCADE,
        lineage_id uuid NOT NULL,
        project_id uuid NOT NULL REFERENCES major_projects(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX battle_maps_project ON battle_maps (project_id)`);

    // Issued versions: version 1 from the issued map, later ones from approved iterations.
    await db.query(`
      CREATE TABLE map_versions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid NOT NULL REFERENCES major_projects(id),
        version integer NOT NULL CHECK (version >= 1),
        source_item_id uuid NOT NULL REFERENCES workflow_items(id),
        note varchar(400) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (project_id, version)
      )`);

    await db.query(`
      CREATE TABLE map_indicators (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        content_id uuid NOT NULL,
        indicator_key uuid NOT NULL,
        position integer NOT NULL,
        name varchar(100) NOT NULL,
        unit_of_measure varchar(20) NOT NULL,
        annual_target numeric(16, 2) NOT NULL,
        monthly_targets numeric(16, 2)[] NOT NULL CHECK (cardinality(monthly_targets) = 12),
        cumulative boolean NOT NULL,
        UNIQUE (content_id, indicator_key)
      )`);
    await db.query(`
      CREATE TABLE map_measures (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        content_id uuid NOT NULL,
        measure_key uuid NOT NULL,
        position integer NOT NULL,
        text varchar(300) NOT NULL,
        basis text,
        UNIQUE (content_id, measure_key)
      )`);
    await db.query(`
      CREATE TABLE map_plans (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        content_id uuid NOT NULL,
        plan_key uuid NOT NULL,
        measure_key uuid NOT NULL,
        position integer NOT NULL,
        plan_month char(7) NOT NULL CHECK (plan_month ~ '^20[0-9]{2}-(0[1-9]|1[0-2])$'),
        plan_type_id integer NOT NULL REFERENCES dictionary_items(id),
        content varchar(500) NOT NULL,
        UNIQUE (content_id, plan_key)
      )`);
    await db.query(`CREATE INDEX map_indicators_content ON map_indicators (content_id, position)`);
    await db.query(`CREATE INDEX map_measures_content ON map_measures (content_id, position)`);
    await db.query(
      `CREATE INDEX map_plans_content ON map_plans (content_id, plan_month, position)`,
    );

    // 措施迭代申请: add a measure (with its plans) or edit one, against the current version.
    await db.query(`
      CREATE TABLE map_iterations (
        id uuid PRIMARY KEY REFERENCES workflow_items(id) ON DELETE CASCADE,
        lineage_id uuid NOT NULL,
        project_id uuid NOT NULL REFERENCES major_projects(id),
        kind varchar(10) NOT NULL CHECK (kind IN ('add', 'edit')),
        target_measure_key uuid,
        text varchar(300) NOT NULL,
        basis text NOT NULL,
        resulting_version integer,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((kind = 'edit') = (target_measure_key IS NOT NULL))
      )`);
    await db.query(`
      CREATE TABLE map_iteration_plans (
        iteration_id uuid NOT NULL REFERENCES map_iterations(id) ON DELETE CASCADE,
        position integer NOT NULL,
        plan_month char(7) NOT NULL CHECK (plan_month ~ '^20[0-9]{2}-(0[1-9]|1[0-2])$'),
        plan_type_id integer NOT NULL REFERENCES dictionary_items(id),
        content varchar(500) NOT NULL,
        PRIMARY KEY (iteration_id, position)
      )`);

    // 量化目标推进更新: one record per project and month, actual values per indicator.
    await db.query(`
      CREATE TABLE indicator_reports (
        id uuid PRIMARY KEY REFERENCES workflow_items(id) ON DELETE CASCADE,
        lineage_id uuid NOT NULL,
        project_id uuid NOT NULL REFERENCES major_projects(id),
        report_month char(7) NOT NULL CHECK (report_month ~ '^20[0-9]{2}-(0[1-9]|1[0-2])$'),
        due_on date NOT NULL,
        first_submitted_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE UNIQUE INDEX indicator_reports_one_per_month ON indicator_reports (project_id, report_month) WHERE id = lineage_id`,
    );
    await db.query(`
      CREATE TABLE indicator_report_values (
        report_id uuid NOT NULL REFERENCES indicator_reports(id) ON DELETE CASCADE,
        indicator_key uuid NOT NULL,
        actual numeric(16, 2) NOT NULL,
        PRIMARY KEY (report_id, indicator_key)
      )`);

    // 月度计划推进更新: status updates of one plan, its history.
    await db.query(`
      CREATE TABLE plan_updates (
        id uuid PRIMARY KEY REFERENCES workflow_items(id) ON DELETE CASCADE,
        lineage_id uuid NOT NULL,
        project_id uuid NOT NULL REFERENCES major_projects(id),
        plan_key uuid NOT NULL,
        status varchar(20) NOT NULL CHECK (status IN ('not_started', 'in_progress', 'completed', 'delayed')),
        work_done text NOT NULL,
        problems text NOT NULL,
        next_steps text NOT NULL,
        next_from date,
        next_to date,
        evidence_classified boolean NOT NULL DEFAULT false,
        first_submitted_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX plan_updates_plan ON plan_updates (project_id, plan_key)`);

    // 经验复制推广推进更新 and 品牌显示度推进更新.
    await db.query(`
      CREATE TABLE project_promotions (
        id uuid PRIMARY KEY REFERENCES workflow_items(id) ON DELETE CASCADE,
        lineage_id uuid NOT NULL,
        project_id uuid NOT NULL REFERENCES major_projects(id),
        method_id integer NOT NULL REFERENCES dictionary_items(id),
        promoted_on date NOT NULL,
        description text NOT NULL,
        evidence_classified boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE INDEX project_promotions_project ON project_promotions (project_id, promoted_on)`,
    );
    await db.query(`
      CREATE TABLE project_brand_items (
        id uuid PRIMARY KEY REFERENCES workflow_items(id) ON DELETE CASCADE,
        lineage_id uuid NOT NULL,
        project_id uuid NOT NULL REFERENCES major_projects(id),
        happened_on date NOT NULL,
        kind varchar(20) NOT NULL CHECK (kind IN ('national', 'central_media')),
        situation text NOT NULL,
        measures_results text NOT NULL,
        details text NOT NULL,
        evidence_classified boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE INDEX project_brand_items_project ON project_brand_items (project_id, happened_on)`,
    );

    // Yearly satisfaction with each project, entered by the office: shown, not scored.
    await db.query(`
      CREATE TABLE project_satisfaction (
        project_id uuid NOT NULL REFERENCES major_projects(id),
        survey_year integer NOT NULL CHECK (survey_year BETWEEN 2017 AND 2100),
        score numeric(5, 2) NOT NULL CHECK (score >= 0 AND score <= 100),
        conclusion text NOT NULL,
        entered_by uuid NOT NULL REFERENCES users(id),
        entered_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (project_id, survey_year)
      )`);

    // A risk event involves a district or a major project.
    await db.query(`ALTER TABLE risk_events ALTER COLUMN involved_unit_id DROP NOT NULL`);
    await db.query(
      `ALTER TABLE risk_events ADD COLUMN involved_project_id uuid REFERENCES major_projects(id)`,
    );
    await db.query(
      `ALTER TABLE risk_events ADD CONSTRAINT risk_events_one_involved CHECK ((involved_unit_id IS NULL) <> (involved_project_id IS NULL))`,
    );
    await db.query(
      `CREATE INDEX risk_events_involved_project ON risk_events (involved_project_id, occurred_on) WHERE involved_project_id IS NOT NULL`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE risk_events DROP CONSTRAINT risk_events_one_involved`);
    await db.query(`ALTER TABLE risk_events DROP COLUMN involved_project_id`);
    await db.query(`DELETE FROM risk_events WHERE involved_unit_id IS NULL`);
    await db.query(`ALTER TABLE risk_events ALTER COLUMN involved_unit_id SET NOT NULL`);
    for (const table of [
      'project_satisfaction',
      'project_brand_items',
      'project_promotions',
      'plan_updates',
      'indicator_report_values',
      'indicator_reports',
      'map_iteration_plans',
      'map_iterations',
      'map_plans',
      'map_measures',
      'map_indicators',
      'map_versions',
      'battle_maps',
      'major_projects',
    ]) {
      await db.query(`DROP TABLE ${table}`);
    }
  }
}
