/** The kinds of dictionary items (the dictionary_items table's kind column) with their labels. */
export const DICTIONARY_KINDS = [
  'domain',
  'track',
  'demand_channel',
  'reject_reason',
  'plan_type',
  'promotion_method',
  'affirmation_kind',
  'risk_level',
] as const;
export type DictionaryKind = (typeof DICTIONARY_KINDS)[number];

export const DICTIONARY_KIND_LABELS: Record<DictionaryKind, string> = {
  domain: '领域',
  track: '跑道',
  demand_channel: '需求来源渠道',
  reject_reason: '驳回理由',
  plan_type: '计划类型',
  promotion_method: '推广方式',
  affirmation_kind: '肯定评价类别',
  risk_level: '风险事件类型与等级',
};
