import type pg from 'pg';

/**
 * Fills a migrated database (reference data loaded, no records) with a city's worth of data in
 * bulk SQL: 2,000 users, `records` workflow items spread over the modules and the review states
 * with their workflow events, assignments and pilots with their tasks and streams, a few thousand
 * small attachments and several quarters of approved satisfaction returns. Every row satisfies the
 * schema's CHECKs and the workflow's unique indexes (one open and one current approved revision per
 * record), so the app reads it as if people had filed it.
 *
 * One session (temporary tables), deterministic (setseed): the same size gives the same shape.
 */

export const SCALE_PASSWORD = 'Gaige@2026';
export const SCALE_USERS = 2000;

export interface ScaleSeedOptions {
  records: number;
  /** The argon2 hash of SCALE_PASSWORD, computed once by the caller. */
  passwordHash: string;
  now?: Date;
  log?: (message: string) => void;
}

export interface ScaleSeedCounts {
  [table: string]: number;
}

/** Share of the records (workflow lineages) per record type. */
const KIND_WEIGHTS: [string, number][] = [
  ['demand', 0.38],
  ['showcase_highlight', 0.22],
  ['risk_event', 0.03],
  ['demand_task_progress', 0.11],
  ['blocker_progress', 0.11],
  ['pilot_progress', 0.1],
  ['pilot_achievement', 0.05],
];

/**
 * The review chains of DESIGN §2 as rows: step, who acts, the label, the positive action and the
 * send-back action a reviewer at that step would use.
 */
const CHAIN_STEPS: [string[], [string, string, string, string][]][] = [
  [
    ['demand', 'showcase_highlight', 'risk_event', 'demand_task_progress', 'blocker_progress'],
    [
      ['own_reviewer', '本单位审核', 'pass', 'reject'],
      ['office', '市委改革办审核', 'confirm', 'return'],
    ],
  ],
  [
    ['pilot'],
    [
      ['own_reviewer', '本单位审核', 'pass', 'reject'],
      ['competent_entry', '主管部门确认分发', 'confirm', 'reject'],
    ],
  ],
  [
    ['pilot_progress', 'pilot_achievement'],
    [
      ['own_reviewer', '本单位审核', 'pass', 'reject'],
      ['competent_entry', '主管部门审核', 'pass', 'reject'],
      ['office', '市委改革办审核', 'confirm', 'return'],
    ],
  ],
  [['satisfaction_return'], [['office', '市委改革办审核', 'confirm', 'return']]],
];

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = [
  '志强',
  '思远',
  '晓峰',
  '丽娜',
  '建国',
  '佳怡',
  '海涛',
  '雅琴',
  '俊杰',
  '文博',
  '雪梅',
  '立新',
  '静怡',
  '子涵',
  '明辉',
  '欣然',
  '宏伟',
  '梦琪',
  '天宇',
  '若楠',
  '振宇',
  '国平',
  '文华',
  '晨阳',
  '慧敏',
  '雨萱',
  '婷婷',
  '浩然',
  '嘉怡',
  '宇航',
];

const TOPICS = [
  '企业开办“一网通办”',
  '工程建设项目审批提速',
  '政务数据共享',
  '农村集体经营性建设用地入市',
  '医保异地结算',
  '基层治理网格化',
  '公共资源交易全流程电子化',
  '义务教育集团化办学',
  '生态产品价值实现机制',
  '国企混合所有制改革',
  '科技成果转化收益分配',
  '知识产权质押融资',
  '社区养老服务',
  '河长制考核',
  '跨省通办',
  '营商环境评价',
  '数字乡村建设',
  '综合行政执法',
  '人才引进配套服务',
  '中小企业融资担保',
];
const ASKS = ['需要市级统筹', '亟待政策支持', '存在制度障碍', '需要跨部门协同', '缺少配套标准'];
const PARAGRAPH =
  '围绕改革目标，细化任务清单，建立周调度、月通报机制，推动部门协同和数据共享；' +
  '坚持问题导向，梳理堵点卡点，形成可复制可推广的经验做法，群众和企业获得感明显增强。';

function pick(values: readonly string[]): string {
  return `ARRAY[${values.map((value) => `'${value.replace(/'/g, "''")}'`).join(',')}]::text[]`;
}

/** `arr[1 + floor(r * len)]` for a SQL array expression and a random column in [0, 1). */
function choose(array: string, random: string): string {
  return `(${array})[1 + floor(${random} * cardinality(${array}))::int]`;
}

export async function seedScale(
  client: pg.Client,
  options: ScaleSeedOptions,
): Promise<ScaleSeedCounts> {
  const log = options.log ?? (() => undefined);
  const now = options.now ?? new Date();
  const run = async (label: string, sql: string, params: unknown[] = []): Promise<number> => {
    const started = performance.now();
    const result = await client.query(sql, params);
    log(`  ${label}: ${result.rowCount ?? 0} rows, ${Math.round(performance.now() - started)} ms`);
    return result.rowCount ?? 0;
  };

  const existing = await client.query<{ count: string }>(
    'SELECT count(*) AS count FROM workflow_items',
  );
  if (Number(existing.rows[0].count) > 0) {
    throw new Error('The database already holds records: seed:scale fills an empty database');
  }

  await client.query('BEGIN');
  await client.query(`SET LOCAL synchronous_commit = off`);
  await client.query(`SELECT setseed(0.2026)`);
  await client.query(`CREATE TEMP TABLE s_now ON COMMIT DROP AS SELECT $1::timestamptz AS now`, [
    now,
  ]);

  // Users: about 24 per unit; in the office an admin, an auditor, leaders and office reviewers;
  // elsewhere clerks and reviewers (and a leader per district).
  await run(
    'users',
    `WITH u AS (
       SELECT id, kind, row_number() OVER (ORDER BY sort_order, id) AS un, count(*) OVER () AS total FROM units
     )
     INSERT INTO users (mobile, name, unit_id, roles, password_hash, must_change_password, password_changed_at)
     SELECT '13' || lpad(u.un::text, 3, '0') || lpad(seq::text, 6, '0'),
            substr($2, 1 + ((u.un * 7 + seq * 13) % char_length($2))::int, 1) || ${choose(pick(GIVEN), '((u.un * 31 + seq * 17) % 97) / 97.0')},
            u.id,
            CASE WHEN u.kind = 'office' THEN
                   CASE seq WHEN 1 THEN ARRAY['admin'] WHEN 2 THEN ARRAY['auditor'] WHEN 3 THEN ARRAY['leader']
                            WHEN 4 THEN ARRAY['leader'] ELSE ARRAY['office'] END
                 WHEN seq = 3 AND u.kind = 'district' THEN ARRAY['leader']
                 WHEN seq % 4 = 2 THEN ARRAY['reviewer']
                 ELSE ARRAY['entry'] END,
            $3, false, now()
       FROM u CROSS JOIN LATERAL generate_series(1, $1 / u.total + CASE WHEN u.un <= $1 % u.total THEN 1 ELSE 0 END) seq`,
    [SCALE_USERS, SURNAMES, options.passwordHash],
  );

  // Who acts for each unit in the generated events: its first clerk and first reviewer.
  await client.query(`
    CREATE TEMP TABLE s_actor ON COMMIT DROP AS
    SELECT un.id AS unit_id, un.name AS unit_name, un.kind,
           c.id AS clerk_id, c.name AS clerk_name, r.id AS reviewer_id, r.name AS reviewer_name
      FROM units un
      LEFT JOIN LATERAL (SELECT id, name FROM users WHERE unit_id = un.id AND 'entry' = ANY(roles) ORDER BY mobile LIMIT 1) c ON true
      LEFT JOIN LATERAL (SELECT id, name FROM users WHERE unit_id = un.id AND ('reviewer' = ANY(roles) OR 'office' = ANY(roles)) ORDER BY mobile LIMIT 1) r ON true`);
  await client.query(`CREATE UNIQUE INDEX ON s_actor (unit_id)`);
  await client.query(`
    CREATE TEMP TABLE s_office ON COMMIT DROP AS
    SELECT un.id AS unit_id, un.name AS unit_name, u.id AS user_id, u.name AS user_name
      FROM units un JOIN users u ON u.unit_id = un.id AND 'office' = ANY(u.roles)
     WHERE un.kind = 'office' ORDER BY u.mobile LIMIT 1`);

  await client.query(
    `CREATE TEMP TABLE s_chain (record_type text, step int, actor text, label text, action text, send_back text) ON COMMIT DROP`,
  );
  for (const [types, steps] of CHAIN_STEPS) {
    for (const type of types) {
      for (const [step, [actor, label, action, sendBack]] of steps.entries()) {
        await client.query(`INSERT INTO s_chain VALUES ($1, $2, $3, $4, $5, $6)`, [
          type,
          step,
          actor,
          label,
          action,
          sendBack,
        ]);
      }
    }
  }
  await client.query(`
    CREATE TEMP TABLE s_chain_len ON COMMIT DROP AS
    SELECT record_type, count(*)::int AS len FROM s_chain GROUP BY record_type`);

  // Lookups as arrays for random picks.
  await client.query(`
    CREATE TEMP TABLE s_ref ON COMMIT DROP AS SELECT
      (SELECT array_agg(id ORDER BY sort_order) FROM units WHERE kind = 'district') AS districts,
      (SELECT array_agg(id ORDER BY sort_order) FROM units WHERE kind = 'department' AND capabilities = '{}') AS departments,
      (SELECT array_agg(id ORDER BY sort_order) FROM units WHERE kind <> 'office' AND capabilities = '{}') AS filers,
      (SELECT array_agg(id ORDER BY sort_order) FROM units WHERE 'risk_reporter' = ANY(capabilities)) AS risk_reporters,
      (SELECT id FROM units WHERE 'survey_center' = ANY(capabilities) LIMIT 1) AS survey_center,
      (SELECT array_agg(id ORDER BY sort_order) FROM dictionary_items WHERE kind = 'demand_channel') AS channels,
      (SELECT array_agg(id ORDER BY sort_order) FROM dictionary_items WHERE kind = 'domain') AS domains,
      (SELECT array_agg(id ORDER BY sort_order) FROM dictionary_items WHERE kind = 'reject_reason') AS reasons,
      (SELECT array_agg(label ORDER BY sort_order) FROM dictionary_items WHERE kind = 'reject_reason') AS reason_labels`);

  // Assignments (需求清单 and 堵点卡点), each assigned to about eight units.
  const assignments = Math.max(20, Math.round(options.records / 400));
  await run(
    'assignments',
    `INSERT INTO assignments (kind, title, description, domain_id, deadline, created_by, created_at)
     SELECT CASE WHEN g % 2 = 0 THEN 'demand_list' ELSE 'blocker' END,
            ${choose(pick(TOPICS), 'random()')} || CASE WHEN g % 2 = 0 THEN '改革任务' ELSE '推进中的堵点' END || '（第' || g || '项）',
            $2,
            ${choose('r.domains', 'random()')},
            (date '2023-03-31' + (g * 1277 % 1300))::date,
            o.user_id,
            timestamptz '2023-01-05' + (g * 1277 % 1300) * interval '1 day' - interval '60 days'
       FROM generate_series(1, $1) g, s_ref r, s_office o`,
    [assignments, PARAGRAPH],
  );
  await run(
    'assignment_tasks',
    `INSERT INTO assignment_tasks (assignment_id, unit_id, created_at)
     SELECT DISTINCT ON (a.id, unit_id) a.id, unit_id, a.created_at
       FROM assignments a, s_ref r,
            LATERAL (SELECT r.filers[1 + floor(random() * cardinality(r.filers))::int] AS unit_id
                       FROM generate_series(1, 8) WHERE a.id IS NOT NULL) picked`,
  );
  await client.query(`
    CREATE TEMP TABLE s_task ON COMMIT DROP AS
    SELECT t.id, t.unit_id, a.kind, row_number() OVER (PARTITION BY a.kind ORDER BY t.id)::int AS n
      FROM assignment_tasks t JOIN assignments a ON a.id = t.assignment_id`);

  // Pilots first: progress filings and achievements hang off the streams their approval opens.
  const pilots = Math.max(20, Math.round(options.records * 0.01));
  await client.query(
    `CREATE TEMP TABLE s_plan ON COMMIT DROP AS
     SELECT g AS n, gen_random_uuid() AS lineage_id, 'pilot'::text AS record_type,
            r.districts[1 + floor(random() * cardinality(r.districts))::int] AS owner_unit_id,
            r.departments[1 + floor(random() * cardinality(r.departments))::int] AS competent_unit_id,
            NULL::uuid AS task_id, NULL::uuid AS stream_id, NULL::int AS involved_unit_id,
            random() AS r_pattern, random() AS r_step, random() AS r_a, random() AS r_b, random() AS r_c,
            timestamptz '2023-01-01' + random() * ((SELECT now FROM s_now) - timestamptz '2023-01-11') AS t0
       FROM generate_series(1, $1) g, s_ref r`,
    [pilots],
  );
  await client.query(`ANALYZE s_plan`);
  const pilotItems = await buildWorkflow(client, run);
  await run(
    'pilots',
    `INSERT INTO pilots (id, lineage_id, creator_unit_id, name, level, document_title, document_number, issuer, deployed_on,
                         competent_unit_id, involved_unit_ids, acceptance_due, domain_id, citywide, document_classified, created_at, updated_at)
     SELECT i.id, p.lineage_id, p.owner_unit_id, wi.title,
            CASE WHEN p.r_b < 0.3 THEN 'national' ELSE 'municipal' END,
            '关于开展' || ${choose(pick(TOPICS), 'p.r_a')} || '试点的通知',
            '渝改办〔' || extract(year FROM p.t0)::int || '〕' || p.n || '号',
            CASE WHEN p.r_b < 0.3 THEN '国家发展改革委' ELSE '市委改革办' END,
            (p.t0 - interval '30 days')::date,
            p.competent_unit_id,
            ARRAY(SELECT DISTINCT x FROM unnest(ARRAY[p.owner_unit_id,
                    CASE WHEN p.r_c < 0.5 THEN r.districts[1 + floor(p.r_c * 2 * cardinality(r.districts))::int] END,
                    CASE WHEN p.r_c < 0.2 THEN r.districts[1 + floor(p.r_c * 5 * cardinality(r.districts))::int] END]) x
                  WHERE x IS NOT NULL),
            (p.t0 + (365 + floor(p.r_b * 900)) * interval '1 day')::date,
            ${choose('r.domains', 'p.r_a')},
            false, p.r_c > 0.9, wi.created_at, wi.updated_at
       FROM s_item i JOIN workflow_items wi ON wi.id = i.id JOIN s_plan p ON p.lineage_id = i.lineage_id, s_ref r`,
  );
  await run(
    'pilot_document_numbers',
    `INSERT INTO pilot_document_numbers (normalized, lineage_id)
     SELECT DISTINCT ON (lineage_id) regexp_replace(document_number, '[〔〕]', '', 'g'), lineage_id FROM pilots`,
  );
  await run(
    'pilot_streams',
    `INSERT INTO pilot_streams (pilot_lineage_id, unit_id, created_at, accepted_on, accepted_by)
     SELECT p.lineage_id, unit_id, wi.approved_at,
            CASE WHEN p.acceptance_due < (SELECT now FROM s_now)::date AND random() < 0.7
                 THEN p.acceptance_due - (random() * 60)::int END,
            (SELECT clerk_id FROM s_actor WHERE unit_id = p.competent_unit_id)
       FROM pilots p JOIN workflow_items wi ON wi.id = p.id AND wi.is_current_approved,
            unnest(p.involved_unit_ids) unit_id`,
  );
  await client.query(`UPDATE pilot_streams SET accepted_by = NULL WHERE accepted_on IS NULL`);
  await client.query(`
    CREATE TEMP TABLE s_stream ON COMMIT DROP AS
    SELECT s.id, s.unit_id, p.competent_unit_id, p.name, row_number() OVER (ORDER BY s.id)::int AS n
      FROM pilot_streams s JOIN pilots p ON p.lineage_id = s.pilot_lineage_id
      JOIN workflow_items wi ON wi.id = p.id AND wi.is_current_approved`);

  // Everything else, by weight; then the survey centre's quarterly returns.
  const lineages = Math.max(1, Math.round((options.records - pilotItems) / 1.13));
  const thresholds: string[] = [];
  let cumulative = 0;
  for (const [kind, weight] of KIND_WEIGHTS) {
    cumulative += weight;
    thresholds.push(`WHEN r_kind < ${cumulative.toFixed(4)} THEN '${kind}'`);
  }
  await client.query(`DROP TABLE s_plan`);
  await client.query(
    `CREATE TEMP TABLE s_plan ON COMMIT DROP AS
     WITH base AS (
       SELECT g AS n, gen_random_uuid() AS lineage_id, random() AS r_kind, random() AS r_unit, random() AS r_pattern,
              random() AS r_step, random() AS r_a, random() AS r_b, random() AS r_c,
              timestamptz '2023-01-01' + random() * ((SELECT now FROM s_now) - timestamptz '2023-01-11') AS t0
         FROM generate_series(1, $1) g
     ), typed AS (
       SELECT base.*, CASE ${thresholds.join(' ')} ELSE 'pilot_achievement' END AS record_type FROM base
     ), task_counts AS (
       SELECT kind, count(*) AS total FROM s_task GROUP BY kind
     ), picked AS (
       -- Which task or stream a filing belongs to, as plain numbers so the joins below are hash joins.
       SELECT t.*, CASE t.record_type WHEN 'blocker_progress' THEN 'blocker' ELSE 'demand_list' END AS task_kind,
              1 + floor(t.r_unit * coalesce(tc.total, 0))::int AS task_n,
              1 + floor(t.r_unit * (SELECT count(*) FROM s_stream))::int AS stream_n
         FROM typed t
         LEFT JOIN task_counts tc ON tc.kind = CASE t.record_type WHEN 'blocker_progress' THEN 'blocker' ELSE 'demand_list' END
     )
     SELECT t.n, t.lineage_id, t.record_type,
            CASE t.record_type
              WHEN 'demand' THEN r.filers[1 + floor(t.r_unit * cardinality(r.filers))::int]
              WHEN 'showcase_highlight' THEN CASE WHEN t.r_c < 0.85
                   THEN r.districts[1 + floor(t.r_unit * cardinality(r.districts))::int]
                   ELSE r.departments[1 + floor(t.r_unit * cardinality(r.departments))::int] END
              WHEN 'risk_event' THEN r.risk_reporters[1 + floor(t.r_unit * cardinality(r.risk_reporters))::int]
              WHEN 'demand_task_progress' THEN tk.unit_id
              WHEN 'blocker_progress' THEN tk.unit_id
              ELSE st.unit_id END AS owner_unit_id,
            CASE WHEN t.record_type IN ('pilot_progress', 'pilot_achievement') THEN st.competent_unit_id END AS competent_unit_id,
            CASE WHEN t.record_type IN ('demand_task_progress', 'blocker_progress') THEN tk.id END AS task_id,
            CASE WHEN t.record_type IN ('pilot_progress', 'pilot_achievement') THEN st.id END AS stream_id,
            CASE WHEN t.record_type = 'risk_event' THEN r.districts[1 + floor(t.r_a * cardinality(r.districts))::int] END AS involved_unit_id,
            t.r_pattern, t.r_step, t.r_a, t.r_b, t.r_c, t.t0
       FROM picked t CROSS JOIN s_ref r
       LEFT JOIN s_task tk ON tk.kind = t.task_kind AND tk.n = t.task_n
       LEFT JOIN s_stream st ON st.n = t.stream_n`,
    [lineages],
  );
  // The survey centre's returns: approved, for every finished quarter since 2024.
  await client.query(
    `INSERT INTO s_plan (n, lineage_id, record_type, owner_unit_id, r_pattern, r_step, r_a, r_b, r_c, t0)
     SELECT 1000000 + q, gen_random_uuid(), 'satisfaction_return', r.survey_center,
            CASE WHEN q < (SELECT (extract(year FROM now) - 2024) * 4 + floor((extract(month FROM now) - 1) / 3) FROM s_now)
                 THEN 0.0 ELSE 0.75 END,
            0.0, random(), random(), 0.99,
            date '2024-01-01' + (q + 1) * interval '3 months' + interval '5 days'
       FROM generate_series(0, (SELECT ((extract(year FROM now) - 2024) * 4 + floor((extract(month FROM now) - 1) / 3))::int FROM s_now) - 1) q,
            s_ref r
      WHERE date '2024-01-01' + (q + 1) * interval '3 months' + interval '5 days' < (SELECT now FROM s_now)`,
  );
  await client.query(`ANALYZE s_plan`);
  await buildWorkflow(client, run);

  await insertModuleRows(client, run);
  await run(
    'satisfaction_scores',
    `INSERT INTO satisfaction_scores (return_id, unit_id, score)
     SELECT s.id, d, round((78 + random() * 20)::numeric, 2)
       FROM satisfaction_returns s, s_ref r, unnest(r.districts) d`,
  );

  // The summaries the onApproved hooks keep.
  await run(
    'task summaries',
    `UPDATE assignment_tasks t SET latest_status = x.status, latest_approved_at = x.approved_at, first_approved_at = x.first_at
       FROM (SELECT DISTINCT ON (p.task_id) p.task_id, p.status, wi.approved_at,
                    min(wi.approved_at) OVER (PARTITION BY p.task_id) AS first_at
               FROM task_progress p JOIN workflow_items wi ON wi.id = p.id AND wi.state = 'approved'
              ORDER BY p.task_id, wi.approved_at DESC) x
      WHERE x.task_id = t.id`,
  );
  await run(
    'stream summaries',
    `UPDATE pilot_streams s SET latest_status = x.status, latest_approved_at = x.approved_at
       FROM (SELECT DISTINCT ON (p.stream_id) p.stream_id, p.status, wi.approved_at
               FROM pilot_progress p JOIN workflow_items wi ON wi.id = p.id AND wi.state = 'approved'
              ORDER BY p.stream_id, wi.approved_at DESC) x
      WHERE x.stream_id = s.id`,
  );

  await insertAttachments(client, run, options.records);

  await client.query('COMMIT');
  const started = performance.now();
  await client.query('ANALYZE');
  log(`  ANALYZE: ${Math.round(performance.now() - started)} ms`);
  return countRows(client);
}

type Run = (label: string, sql: string, params?: unknown[]) => Promise<number>;

/**
 * From the lineages in s_plan: their revisions (s_item) in a realistic state mix, the events that
 * brought each there (s_event), then the workflow_items and workflow_events rows. Returns the
 * number of items.
 *
 * Patterns: 58% approved, 8% approved then revised and approved again, 5% approved with a change
 * under way, 12% pending at some step, 7% drafts, 10% sent back. Submit is a day after creation,
 * each decision a day after the previous one.
 */
async function buildWorkflow(client: pg.Client, run: Run): Promise<number> {
  await client.query(`DROP TABLE IF EXISTS s_item`);
  await client.query(`DROP TABLE IF EXISTS s_event`);
  await client.query(`
    CREATE TEMP TABLE s_item ON COMMIT DROP AS
    WITH shaped AS (
      SELECT p.*, l.len,
             CASE WHEN p.r_pattern < 0.58 THEN 'approved' WHEN p.r_pattern < 0.66 THEN 'approved_revised'
                  WHEN p.r_pattern < 0.71 THEN 'approved_open' WHEN p.r_pattern < 0.83 THEN 'pending'
                  WHEN p.r_pattern < 0.90 THEN 'draft' ELSE 'returned' END AS pattern
        FROM s_plan p JOIN s_chain_len l ON l.record_type = p.record_type
    ), revisions AS (
      SELECT s.*, 1 AS revision, s.lineage_id AS id, s.t0 AS created_at,
             CASE WHEN s.pattern IN ('approved', 'approved_revised', 'approved_open') THEN 'approved' ELSE s.pattern END AS state,
             s.pattern IN ('approved', 'approved_open') AS is_current
        FROM shaped s
      UNION ALL
      SELECT s.*, 2, gen_random_uuid(),
             s.t0 + (s.len + 1) * interval '1 day' + s.r_c * ((SELECT now FROM s_now) - interval '6 days' - s.t0 - (s.len + 1) * interval '1 day'),
             CASE WHEN s.pattern = 'approved_revised' THEN 'approved'
                  WHEN s.r_c < 0.4 THEN 'draft' WHEN s.r_c < 0.8 THEN 'pending' ELSE 'returned' END,
             s.pattern = 'approved_revised'
        FROM shaped s WHERE s.pattern IN ('approved_revised', 'approved_open')
    )
    SELECT r.id, r.lineage_id, r.revision, r.record_type, r.owner_unit_id, r.competent_unit_id, r.state, r.is_current,
           r.len, r.created_at, r.n, r.r_a, r.r_b, r.r_c,
           -- pending: the step waiting; returned: the step that sent it back
           CASE WHEN r.state IN ('pending', 'returned') THEN least(r.len - 1, floor(r.r_step * r.len)::int) END AS at_step
      FROM revisions r`);
  await client.query(`CREATE INDEX ON s_item (id)`);
  await client.query(`ANALYZE s_item`);

  // Step k = -2: the change was opened (revision 2); -1: submitted; 0..len-1: decided at step k.
  await client.query(`
    CREATE TEMP TABLE s_event ON COMMIT DROP AS
    SELECT i.id AS item_id, i.lineage_id, i.record_type, i.owner_unit_id, k,
           CASE WHEN k = -2 THEN 'revise' WHEN k = -1 THEN 'submit'
                WHEN i.state = 'returned' AND k = i.at_step THEN c.send_back ELSE c.action END AS action,
           CASE WHEN k = -2 THEN NULL WHEN k = -1 THEN 'draft' ELSE 'pending' END AS from_state,
           CASE WHEN k >= 0 THEN k END AS from_step,
           CASE WHEN k = -2 THEN 'draft' WHEN i.state = 'returned' AND k = i.at_step THEN 'returned'
                WHEN k = i.len - 1 THEN 'approved' ELSE 'pending' END AS to_state,
           CASE WHEN k = -2 OR (i.state = 'returned' AND k = i.at_step) OR k = i.len - 1 THEN NULL ELSE k + 1 END AS to_step,
           CASE WHEN k = -1 THEN '上报' ELSE c.label END AS step_label,
           CASE WHEN k < 0 THEN i.owner_unit_id WHEN c.actor = 'own_reviewer' THEN i.owner_unit_id
                WHEN c.actor = 'competent_entry' THEN i.competent_unit_id ELSE o.unit_id END AS actor_unit_id,
           CASE WHEN k < 0 OR c.actor = 'competent_entry' THEN 'entry' WHEN c.actor = 'own_reviewer' THEN 'reviewer' ELSE 'office' END AS actor_role,
           CASE WHEN i.state = 'returned' AND k = i.at_step THEN 1 + floor(i.r_b * 8)::int END AS reason_index,
           CASE WHEN k = -2 THEN '基于第 1 版发起变更'
                WHEN i.state = 'returned' AND k = i.at_step THEN '请补充佐证材料并完善推进情况的表述。' END AS detail,
           least(i.created_at + (k + 2) * interval '1 day' + (i.r_a * 8) * interval '1 hour', (SELECT now FROM s_now) - interval '1 minute') AS at
      FROM s_item i
      CROSS JOIN s_office o
      CROSS JOIN LATERAL generate_series(CASE WHEN i.revision = 2 THEN -2 ELSE -1 END,
                 CASE i.state WHEN 'approved' THEN i.len - 1 WHEN 'pending' THEN i.at_step - 1
                              WHEN 'returned' THEN i.at_step ELSE -2 END) k
      LEFT JOIN s_chain c ON c.record_type = i.record_type AND c.step = k
     WHERE NOT (i.state = 'draft' AND k = -1)`);
  await client.query(`ANALYZE s_event`);
  // The opening of a change happens at its creation, not a day later.
  await client.query(
    `UPDATE s_event e SET at = i.created_at FROM s_item i WHERE e.k = -2 AND i.id = e.item_id`,
  );

  const items = await run(
    'workflow_items',
    `WITH last AS (
       SELECT DISTINCT ON (e.item_id) e.item_id, e.action, e.actor_unit_id, e.actor_role, e.at, e.reason_index, e.detail, e.k
         FROM s_event e ORDER BY e.item_id, e.k DESC
     ), counts AS (
       SELECT item_id, count(*) FILTER (WHERE k >= -1)::int AS moves,
              min(at) FILTER (WHERE k = -1) AS submitted_at
         FROM s_event GROUP BY item_id
     )
     INSERT INTO workflow_items (id, record_type, lineage_id, revision, title, owner_unit_id, competent_unit_id, state, step,
                                 pending_unit_id, pending_role, is_current_approved, version, created_by, submitted_by,
                                 last_actor_id, last_action, last_reason_label, last_detail, created_at, updated_at,
                                 submitted_at, approved_at)
     SELECT i.id, i.record_type, i.lineage_id, i.revision,
            CASE i.record_type
              WHEN 'satisfaction_return' THEN to_char(date '2024-01-01' + (i.n - 1000000) * interval '3 months', 'YYYY') || '年第'
                || (ARRAY['一', '二', '三', '四'])[extract(quarter FROM date '2024-01-01' + (i.n - 1000000) * interval '3 months')::int]
                || '季度区县改革满意度'
              ELSE ${choose(pick(TOPICS), 'i.r_a')} || CASE i.record_type
                WHEN 'demand' THEN ${choose(pick(ASKS), 'i.r_b')}
                WHEN 'showcase_highlight' THEN '经验获肯定推广'
                WHEN 'risk_event' THEN '引发的风险事件'
                WHEN 'pilot' THEN '试点（' || i.n || '）'
                WHEN 'pilot_achievement' THEN '试点成果'
                ELSE '推进情况' END || '（' || i.n || '）' END,
            i.owner_unit_id, i.competent_unit_id, i.state,
            CASE WHEN i.state = 'pending' THEN i.at_step END,
            CASE WHEN i.state = 'pending' THEN
              CASE c.actor WHEN 'own_reviewer' THEN i.owner_unit_id WHEN 'competent_entry' THEN i.competent_unit_id ELSE o.unit_id END END,
            CASE WHEN i.state = 'pending' THEN
              CASE c.actor WHEN 'own_reviewer' THEN 'reviewer' WHEN 'competent_entry' THEN 'entry' ELSE 'office' END END,
            i.is_current, 1 + coalesce(n.moves, 0),
            a.clerk_id,
            CASE WHEN n.submitted_at IS NOT NULL THEN a.clerk_id END,
            CASE WHEN l.k >= -1 THEN
              CASE l.actor_role WHEN 'office' THEN o.user_id WHEN 'reviewer' THEN la.reviewer_id ELSE la.clerk_id END END,
            CASE WHEN l.k >= -1 THEN l.action END,
            CASE WHEN i.state = 'returned' THEN (SELECT reason_labels[l.reason_index] FROM s_ref) END,
            CASE WHEN i.state = 'returned' THEN l.detail END,
            i.created_at, coalesce(l.at, i.created_at), n.submitted_at,
            CASE WHEN i.state = 'approved' THEN l.at END
       FROM s_item i
       CROSS JOIN s_office o
       JOIN s_actor a ON a.unit_id = i.owner_unit_id
       LEFT JOIN last l ON l.item_id = i.id
       LEFT JOIN s_actor la ON la.unit_id = l.actor_unit_id
       LEFT JOIN counts n ON n.item_id = i.id
       LEFT JOIN s_chain c ON c.record_type = i.record_type AND c.step = i.at_step
      ORDER BY i.created_at`,
  );
  await run(
    'workflow_events',
    `INSERT INTO workflow_events (item_id, lineage_id, record_type, owner_unit_id, action, from_state, from_step, to_state, to_step,
                                  step_label, actor_id, actor_name, actor_unit_id, actor_unit_name, actor_role, reason_id, reason_label,
                                  detail, at)
     SELECT e.item_id, e.lineage_id, e.record_type, e.owner_unit_id, e.action, e.from_state, e.from_step, e.to_state, e.to_step,
            e.step_label,
            CASE e.actor_role WHEN 'office' THEN o.user_id WHEN 'reviewer' THEN a.reviewer_id ELSE a.clerk_id END,
            CASE e.actor_role WHEN 'office' THEN o.user_name WHEN 'reviewer' THEN a.reviewer_name ELSE a.clerk_name END,
            e.actor_unit_id, a.unit_name, e.actor_role,
            r.reasons[e.reason_index], r.reason_labels[e.reason_index], e.detail, e.at
       FROM s_event e CROSS JOIN s_office o CROSS JOIN s_ref r
       JOIN s_actor a ON a.unit_id = e.actor_unit_id
      ORDER BY e.at, e.item_id, e.k`,
  );
  return items;
}

/** The module rows of every item in s_item (all but pilots, which the caller inserts itself). */
async function insertModuleRows(client: pg.Client, run: Run): Promise<void> {
  await run(
    'demands',
    `INSERT INTO demands (id, lineage_id, unit_id, title, description, channel_id, domain_id, track_id, created_at, updated_at)
     SELECT i.id, i.lineage_id, i.owner_unit_id, wi.title,
            '当前在推进' || ${choose(pick(TOPICS), 'i.r_a')} || '过程中，' || ${choose(pick(ASKS), 'i.r_b')} || '。' || $1,
            ${choose('r.channels', 'i.r_b')},
            d.domain_id, d.track_id, wi.created_at, wi.updated_at
       FROM s_item i JOIN workflow_items wi ON wi.id = i.id CROSS JOIN s_ref r
       CROSS JOIN LATERAL (
         SELECT dm AS domain_id,
                (SELECT t.id FROM dictionary_items t WHERE t.kind = 'track' AND t.parent_id = dm AND i.r_c < 0.7
                  ORDER BY t.sort_order OFFSET floor(i.r_c * 4)::int % 3 LIMIT 1) AS track_id
           FROM (SELECT ${choose('r.domains', 'i.r_c')} AS dm) x) d
      WHERE i.record_type = 'demand'`,
    [PARAGRAPH],
  );
  await run(
    'showcase_highlights',
    `WITH kinds AS (
       SELECT p.code AS category, array_agg(c.id ORDER BY c.sort_order) AS ids
         FROM dictionary_items c JOIN dictionary_items p ON p.id = c.parent_id
        WHERE p.kind = 'affirmation_kind' GROUP BY p.code
     )
     INSERT INTO showcase_highlights (id, lineage_id, unit_id, matter, category, sub_kind_id, happened_on, problems_solved,
                                      results, evidence_classified, created_at, updated_at)
     SELECT i.id, i.lineage_id, i.owner_unit_id, wi.title, x.category,
            ${choose('k.ids', 'i.r_b')},
            ((pl.t0 - i.r_c * interval '20 days') AT TIME ZONE 'Asia/Shanghai')::date,
            '破解了' || ${choose(pick(TOPICS), 'i.r_b')} || '中的体制机制障碍。',
            $1, i.r_c < 0.1, wi.created_at, wi.updated_at
       FROM s_item i JOIN workflow_items wi ON wi.id = i.id JOIN s_plan pl ON pl.lineage_id = i.lineage_id
       CROSS JOIN LATERAL (SELECT CASE WHEN i.r_a < 0.3 THEN 'national' WHEN i.r_a < 0.75 THEN 'citywide' ELSE 'central_media' END AS category) x
       JOIN kinds k ON k.category = x.category
      WHERE i.record_type = 'showcase_highlight'`,
    [PARAGRAPH],
  );
  await run(
    'risk_events',
    `INSERT INTO risk_events (id, lineage_id, unit_id, occurred_on, level_code, involved_unit_id, details, deduction_applied,
                              created_at, updated_at)
     SELECT i.id, i.lineage_id, i.owner_unit_id, ((pl.t0 - interval '3 days') AT TIME ZONE 'Asia/Shanghai')::date, x.level_code,
            pl.involved_unit_id, '因' || ${choose(pick(TOPICS), 'i.r_b')} || '引发群众集中反映，已妥善处置。',
            CASE WHEN i.state = 'approved' THEN d.points END, wi.created_at, wi.updated_at
       FROM s_item i JOIN workflow_items wi ON wi.id = i.id JOIN s_plan pl ON pl.lineage_id = i.lineage_id
       CROSS JOIN LATERAL (SELECT CASE WHEN i.r_b < 0.85 THEN 'negative_opinion' WHEN i.r_b < 0.95 THEN 'incident_larger'
                                       WHEN i.r_b < 0.99 THEN 'incident_major' ELSE 'incident_extreme' END AS level_code) x
       JOIN risk_deductions d ON d.level_code = x.level_code
      WHERE i.record_type = 'risk_event'`,
  );
  const status = `CASE WHEN i.r_b < 0.15 THEN 'not_started' WHEN i.r_b < 0.75 THEN 'in_progress' ELSE 'completed' END`;
  await run(
    'task_progress',
    `INSERT INTO task_progress (id, task_id, status, work_done, problems, created_at, updated_at)
     SELECT i.id, pl.task_id, ${status}, $1, CASE WHEN i.r_c < 0.5 THEN ${choose(pick(ASKS), 'i.r_c')} ELSE '' END,
            wi.created_at, wi.updated_at
       FROM s_item i JOIN workflow_items wi ON wi.id = i.id JOIN s_plan pl ON pl.lineage_id = i.lineage_id
      WHERE i.record_type IN ('demand_task_progress', 'blocker_progress')`,
    [PARAGRAPH],
  );
  await run(
    'pilot_progress',
    `INSERT INTO pilot_progress (id, stream_id, status, work_done, problems, created_at, updated_at)
     SELECT i.id, pl.stream_id, ${status}, $1, '', wi.created_at, wi.updated_at
       FROM s_item i JOIN workflow_items wi ON wi.id = i.id JOIN s_plan pl ON pl.lineage_id = i.lineage_id
      WHERE i.record_type = 'pilot_progress'`,
    [PARAGRAPH],
  );
  await run(
    'pilot_achievements',
    `INSERT INTO pilot_achievements (id, stream_id, name, problems_solved, effects, created_at, updated_at)
     SELECT i.id, pl.stream_id, wi.title, '破解了' || ${choose(pick(TOPICS), 'i.r_b')} || '中的难题。', $1,
            wi.created_at, wi.updated_at
       FROM s_item i JOIN workflow_items wi ON wi.id = i.id JOIN s_plan pl ON pl.lineage_id = i.lineage_id
      WHERE i.record_type = 'pilot_achievement'`,
    [PARAGRAPH],
  );
  await run(
    'satisfaction_returns',
    `INSERT INTO satisfaction_returns (id, lineage_id, unit_id, quarter, conclusion, created_at)
     SELECT i.id, i.lineage_id, i.owner_unit_id,
            to_char(q, 'YYYY-"Q"Q'),
            '全市改革满意度总体稳中有升。', wi.created_at
       FROM s_item i JOIN workflow_items wi ON wi.id = i.id
       CROSS JOIN LATERAL (SELECT date '2024-01-01' + (i.n - 1000000) * interval '3 months' AS q) x
      WHERE i.record_type = 'satisfaction_return'`,
  );
}

/**
 * A few thousand small files (a few hundred bytes, a PDF header) linked as evidence to submitted
 * records; a revised record's revisions share them, as openRevision does.
 */
async function insertAttachments(client: pg.Client, run: Run, records: number): Promise<void> {
  const count = Math.min(5000, Math.max(100, Math.round(records / 25)));
  await client.query(
    `CREATE TEMP TABLE s_eligible ON COMMIT DROP AS
     SELECT id, lineage_id, owner_unit_id, row_number() OVER (ORDER BY id) AS n FROM workflow_items
      WHERE revision = 1 AND state <> 'draft'
        AND record_type IN ('demand', 'showcase_highlight', 'pilot_progress', 'pilot_achievement', 'demand_task_progress')`,
  );
  await client.query(
    `CREATE TEMP TABLE s_file ON COMMIT DROP AS
     SELECT gen_random_uuid() AS id, item.id AS item_id, item.lineage_id, item.owner_unit_id,
            convert_to('%PDF-1.4' || chr(10) || '1 0 obj << /Type /Catalog >> endobj' || chr(10) ||
                       repeat('BT /F1 12 Tf (evidence ' || g || ') Tj ET' || chr(10), 4 + g % 12) || '%%EOF', 'UTF8') AS content,
            g
       FROM generate_series(1, $1) g
       JOIN s_eligible item ON item.n = 1 + (g * 7919) % (SELECT count(*) FROM s_eligible)`,
    [count],
  );
  await run(
    'attachments',
    `INSERT INTO attachments (id, original_name, media_type, size_bytes, sha256, content, uploaded_by, unit_id, created_at)
     SELECT f.id, '佐证材料-' || f.g || '.pdf', 'application/pdf', octet_length(f.content), encode(sha256(f.content), 'hex'),
            f.content, a.clerk_id, f.owner_unit_id, wi.created_at
       FROM s_file f JOIN s_actor a ON a.unit_id = f.owner_unit_id JOIN workflow_items wi ON wi.id = f.item_id`,
  );
  await run(
    'workflow_item_attachments',
    `INSERT INTO workflow_item_attachments (item_id, attachment_id, field, position)
     SELECT wi.id, f.id, CASE wi.record_type WHEN 'demand' THEN 'attachments' ELSE 'evidence' END,
            row_number() OVER (PARTITION BY wi.id ORDER BY f.g) - 1
       FROM s_file f JOIN workflow_items wi ON wi.lineage_id = f.lineage_id
     ON CONFLICT DO NOTHING`,
  );
}

const COUNTED_TABLES = [
  'users',
  'workflow_items',
  'workflow_events',
  'demands',
  'showcase_highlights',
  'risk_events',
  'assignments',
  'assignment_tasks',
  'task_progress',
  'pilots',
  'pilot_streams',
  'pilot_progress',
  'pilot_achievements',
  'satisfaction_returns',
  'satisfaction_scores',
  'attachments',
  'workflow_item_attachments',
];

export async function countRows(client: pg.Client): Promise<ScaleSeedCounts> {
  const counts: ScaleSeedCounts = {};
  for (const table of COUNTED_TABLES) {
    const result = await client.query<{ count: string }>(`SELECT count(*) AS count FROM ${table}`);
    counts[table] = Number(result.rows[0].count);
  }
  const states = await client.query<{ state: string; count: string }>(
    `SELECT state, count(*) AS count FROM workflow_items GROUP BY state ORDER BY state`,
  );
  for (const row of states.rows) {
    counts[`workflow_items.${row.state}`] = Number(row.count);
  }
  return counts;
}
