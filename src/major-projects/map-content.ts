import type { EntityManager } from 'typeorm';

/**
 * Reads and copies map content (indicators, measures, plans) by content id: a battle-map revision
 * while it is drafted, an issued version afterwards. Keys stay the same when content is copied, so
 * progress filed against one version belongs to the same indicator or plan in the next.
 */
export interface MapIndicator {
  indicator_key: string;
  position: number;
  name: string;
  unit_of_measure: string;
  annual_target: string;
  monthly_targets: string[];
  cumulative: boolean;
}

export interface MapMeasure {
  measure_key: string;
  position: number;
  text: string;
  basis: string | null;
}

export interface MapPlan {
  plan_key: string;
  measure_key: string;
  position: number;
  plan_month: string;
  plan_type_id: number;
  plan_type: string;
  content: string;
}

export interface MapContent {
  indicators: MapIndicator[];
  measures: MapMeasure[];
  plans: MapPlan[];
}

export async function readMapContent(
  manager: EntityManager,
  contentId: string,
): Promise<MapContent> {
  const [indicators, measures, plans] = await Promise.all([
    manager.query<MapIndicator[]>(
      `SELECT indicator_key, position, name, unit_of_measure, annual_target::text, monthly_targets::text[] AS monthly_targets, cumulative
         FROM map_indicators WHERE content_id = $1 ORDER BY position`,
      [contentId],
    ),
    manager.query<MapMeasure[]>(
      `SELECT measure_key, position, text, basis FROM map_measures WHERE content_id = $1 ORDER BY position`,
      [contentId],
    ),
    manager.query<MapPlan[]>(
      `SELECT p.plan_key, p.measure_key, p.position, p.plan_month, p.plan_type_id, t.label AS plan_type, p.content
         FROM map_plans p JOIN dictionary_items t ON t.id = p.plan_type_id
        WHERE p.content_id = $1 ORDER BY p.plan_month, p.position`,
      [contentId],
    ),
  ]);
  return { indicators, measures, plans };
}

/** Copies all content of `fromId` to `toId` (same keys), e.g. an issued map into version 1. */
export async function copyMapContent(
  manager: EntityManager,
  fromId: string,
  toId: string,
): Promise<void> {
  await manager.query(
    `INSERT INTO map_indicators (content_id, indicator_key, position, name, unit_of_measure, annual_target, monthly_targets, cumulative)
     SELECT $2, indicator_key, position, name, unit_of_measure, annual_target, monthly_targets, cumulative
       FROM map_indicators WHERE content_id = $1`,
    [fromId, toId],
  );
  await manager.query(
    `INSERT INTO map_measures (content_id, measure_key, position, text, basis)
     SELECT $2, measure_key, position, text, basis FROM map_measures WHERE content_id = $1`,
    [fromId, toId],
  );
  await manager.query(
    `INSERT INTO map_plans (content_id, plan_key, measure_key, position, plan_month, plan_type_id, content)
     SELECT $2, plan_key, measure_key, position, plan_month, plan_type_id, content FROM map_plans WHERE content_id = $1`,
    [fromId, toId],
  );
}

export async function deleteMapContent(manager: EntityManager, contentId: string): Promise<void> {
  for (const table of ['map_plans', 'map_measures', 'map_indicators']) {
    await manager.query(`DELETE FROM ${table} WHERE content_id = $1`, [contentId]);
  }
}
