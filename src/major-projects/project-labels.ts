import { labelledCodes } from '../common/codes/labelled-codes.js';
import type { RecordTypeDefinition } from '../workflow/workflow-registry.js';

/** Record types of the major-project area, as stored in workflow_items.record_type. */
export const BATTLE_MAP_TYPE = 'battle_map';
export const MAP_ITERATION_TYPE = 'map_iteration';
export const INDICATOR_REPORT_TYPE = 'indicator_report';
export const PLAN_UPDATE_TYPE = 'plan_update';
export const PROJECT_PROMOTION_TYPE = 'project_promotion';
export const PROJECT_BRAND_TYPE = 'project_brand_item';

/**
 * A record type of the major-project area as the workflow registry takes it: grouped under
 * 市级重大改革项目, its revision's page at `/major-projects/<path>/<id>`.
 */
export function projectRecordType(
  type: string,
  label: string,
  path: string,
  rules: Omit<RecordTypeDefinition, 'type' | 'label' | 'moduleLabel' | 'link'>,
): RecordTypeDefinition {
  const link = (id: string) => `/major-projects/${path}/${id}`;
  return { type, label, moduleLabel: '市级重大改革项目', link, ...rules };
}

/** 项目状态. */
export const PROJECT_STATUS = labelledCodes({ accelerating: '加快实施', closed: '已结项' });
export type ProjectStatus = (typeof PROJECT_STATUS.codes)[number];
export const PROJECT_STATUS_LABELS = PROJECT_STATUS.labels;

/** 月度计划的推进状态. */
export const PLAN_STATUS = labelledCodes({
  not_started: '未启动',
  in_progress: '推进中',
  completed: '已完成',
  delayed: '滞后',
});
export type PlanStatus = (typeof PLAN_STATUS.codes)[number];
export const PLAN_STATUS_LABELS = PLAN_STATUS.labels;

/** 品牌显示度的获肯定方式. */
export const BRAND_KIND = labelledCodes({
  national: '获全国性肯定评价',
  central_media: '被5家中央级媒体深度报道',
});
export type BrandKind = (typeof BRAND_KIND.codes)[number];
