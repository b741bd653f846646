import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { unitIdByCode } from './users.factory.js';

export interface FixtureIndicator {
  name: string;
  unit?: string;
  annual: string;
  /**
   * Twelve monthly targets (fewer are padded with 0): increments for a 当期值 indicator, targets
   * to date for a cumulative (累计值) one, as the battle map holds them.
   */
  monthly: string[];
  cumulative?: boolean;
}

export interface FixturePlan {
  /** Index into `measures`. */
  measure: number;
  /** YYYY-MM. */
  month: string;
  /** A plan_type dictionary code, e.g. 'research'. */
  type?: string;
  content: string;
}

export interface IssuedProjectOptions {
  /** The responsible department (unit code or Chinese name). */
  unit: string;
  /** The user recorded as creator (any user: the office in real life). */
  createdBy: string;
  name?: string;
  planYear?: number;
  indicators?: FixtureIndicator[];
  measures?: string[];
  plans?: FixturePlan[];
  /** false: the map is still a draft of the department (no version, nothing issued). */
  issued?: boolean;
}

export interface IssuedProject {
  projectId: string;
  mapItemId: string;
  /** The map_versions id of version 1 (the content id in force); undefined when not issued. */
  versionId?: string;
  indicatorKeys: string[];
  measureKeys: string[];
  planKeys: string[];
}

const DEFAULT_INDICATORS: FixtureIndicator[] = [
  {
    name: '惠企政策直达企业数',
    unit: '家',
    annual: '120',
    monthly: ['10', '10', '10', '10', '10', '10', '10', '10', '10', '10', '10', '10'],
  },
  {
    name: '一网通办事项覆盖率',
    unit: '%',
    annual: '90',
    // Targets to date (累计值): 10 more each month to September, then 90 to December.
    monthly: ['10', '20', '30', '40', '50', '60', '70', '80', '90', '90', '90', '90'],
    cumulative: true,
  },
];

/**
 * Inserts a major project whose battle map the office has issued (version 1), with the same rows
 * ProjectsService.create and BattleMapService.onIssued write: the project, its battle map as an
 * approved workflow item with its content, and version 1 with a copy of that content (same keys).
 * Tests of the monthly updates use it so they do not depend on the battle-map pages.
 */
export async function createIssuedProject(
  dataSource: DataSource,
  options: IssuedProjectOptions,
): Promise<IssuedProject> {
  const unitId = await unitIdByCode(dataSource, options.unit);
  const planYear = options.planYear ?? 2026;
  const name = options.name ?? `测试重大改革项目${randomUUID().slice(0, 6)}`;
  const indicators = options.indicators ?? DEFAULT_INDICATORS;
  const measures = options.measures ?? ['建立惠企政策直达机制', '推进一网通办', '开展成效评估'];
  const plans = options.plans ?? [
    { measure: 0, month: `${planYear}-01`, content: '组建工作专班，制定工作方案' },
    { measure: 1, month: `${planYear}-02`, content: '梳理事项清单' },
    { measure: 2, month: `${planYear}-03`, content: '开展第一季度评估' },
  ];
  const issued = options.issued ?? true;
  const projectId = randomUUID();
  const mapItemId = randomUUID();
  const versionId = issued ? randomUUID() : undefined;
  const indicatorKeys = indicators.map(() => randomUUID());
  const measureKeys = measures.map(() => randomUUID());
  const planKeys = plans.map(() => randomUUID());

  await dataSource.transaction(async (manager: EntityManager) => {
    const domain: { id: number }[] = await manager.query(
      `SELECT id FROM dictionary_items WHERE kind = 'domain' AND active ORDER BY sort_order, id LIMIT 1`,
    );
    const planTypes: { id: number; code: string }[] = await manager.query(
      `SELECT id, code FROM dictionary_items WHERE kind = 'plan_type'`,
    );
    const typeId = (code: string) => {
      const found = planTypes.find((type) => type.code === code);
      if (!found) {
        throw new Error(`No plan type ${code}`);
      }
      return found.id;
    };
    await manager.query(
      `INSERT INTO major_projects (id, name, domain_id, responsible_unit_id, lead_leader, plan_year, map_lineage_id, created_by)
       VALUES ($1, $2, $3, $4, '测试市领导', $5, $6, $7)`,
      [projectId, name, domain[0].id, unitId, planYear, mapItemId, options.createdBy],
    );
    await manager.query(
      issued
        ? `INSERT INTO workflow_items (id, record_type, lineage_id, revision, title, owner_unit_id, state, is_current_approved,
                                       created_by, submitted_by, last_actor_id, last_action, submitted_at, approved_at)
           VALUES ($1, 'battle_map', $1, 1, $2, $3, 'approved', true, $4, $4, $4, 'issue', now(), now())`
        : `INSERT INTO workflow_items (id, record_type, lineage_id, revision, title, owner_unit_id, state, created_by)
           VALUES ($1, 'battle_map', $1, 1, $2, $3, 'draft', $4)`,
      [mapItemId, `${name}·项目作战图`, unitId, options.createdBy],
    );
    await manager.query(
      `INSERT INTO battle_maps (id, lineage_id, project_id) VALUES ($1, $1, $2)`,
      [mapItemId, projectId],
    );
    if (versionId) {
      await manager.query(
        `INSERT INTO map_versions (id, project_id, version, source_item_id, note) VALUES ($1, $2, 1, $3, '作战图确认下发')`,
        [versionId, projectId, mapItemId],
      );
    }
    for (const contentId of versionId ? [mapItemId, versionId] : [mapItemId]) {
      for (const [position, indicator] of indicators.entries()) {
        const monthly = [...indicator.monthly, ...Array<string>(12).fill('0')].slice(0, 12);
        await manager.query(
          `INSERT INTO map_indicators (content_id, indicator_key, position, name, unit_of_measure, annual_target, monthly_targets, cumulative)
           VALUES ($1, $2, $3, $4, $5, $6, $7::numeric[], $8)`,
          [
            contentId,
            indicatorKeys[position],
            position,
            indicator.name,
            indicator.unit ?? '个',
            indicator.annual,
            monthly,
            indicator.cumulative ?? false,
          ],
        );
      }
      for (const [position, text] of measures.entries()) {
        await manager.query(
          `INSERT INTO map_measures (content_id, measure_key, position, text) VALUES ($1, $2, $3, $4)`,
          [contentId, measureKeys[position], position, text],
        );
      }
      for (const [position, plan] of plans.entries()) {
        await manager.query(
          `INSERT INTO map_plans (content_id, plan_key, measure_key, position, plan_month, plan_type_id, content)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [
            contentId,
            planKeys[position],
            measureKeys[plan.measure],
            position,
            plan.month,
            typeId(plan.type ?? 'research'),
            plan.content,
          ],
        );
      }
    }
  });
  return { projectId, mapItemId, versionId, indicatorKeys, measureKeys, planKeys };
}
