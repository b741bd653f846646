/** Record types of the major-project area, as stored in workflow_items.record_type. */
export const BATTLE_MAP_TYPE = 'battle_map';
export const MAP_ITERATION_TYPE = 'map_iteration';
export const INDICATOR_REPORT_TYPE = 'indicator_report';
export const PLAN_UPDATE_TYPE = 'plan_update';
export const PROJECT_PROMOTION_TYPE = 'project_promotion';
export const PROJECT_BRAND_TYPE = 'project_brand_item';

export const PROJECT_STATUS_LABELS = { accelerating: '加快实施', closed: '已结项' } as const;
export type ProjectStatus = keyof typeof PROJECT_STATUS_LABELS;

export const PLAN_STATUSES = ['not_started', 'in_progress', 'completed', 'delayed'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];
export const PLAN_STATUS_LABELS: Record<PlanStatus, string> = {
  not_started: '未启动',
  in_progress: '推进中',
  completed: '已完成',
  delayed: '滞后',
};

export const BRAND_KINDS = ['national', 'central_media'] as const;
export type BrandKind = (typeof BRAND_KINDS)[number];
export const BRAND_KIND_LABELS: Record<BrandKind, string> = {
  national: '获全国性肯定评价',
  central_media: '被5家中央级媒体深度报道',
};
