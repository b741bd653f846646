/** Unit kinds and capabilities (the units table's CHECKs) with their labels. */
export type UnitKind = 'office' | 'department' | 'district';
export type DistrictType = '区' | '县' | '自治县' | '功能区';
export type UnitCapability = 'risk_reporter' | 'survey_center';

export const UNIT_KIND_LABELS: Record<UnitKind, string> = {
  office: '市委改革办',
  department: '市级部门',
  district: '区县',
};

export const UNIT_CAPABILITY_LABELS: Record<UnitCapability, string> = {
  risk_reporter: '风险事件填报单位',
  survey_center: '满意度调查单位',
};
