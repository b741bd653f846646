import { labelledCodes } from '../common/codes/labelled-codes.js';

/** The kinds of dictionary items (the dictionary_items table's kind column) with their labels. */
export const DICTIONARY_KIND_CODES = labelledCodes({
  domain: '领域',
  track: '跑道',
  demand_channel: '需求来源渠道',
  reject_reason: '驳回理由',
  plan_type: '计划类型',
  promotion_method: '推广方式',
  affirmation_kind: '肯定评价类别',
  risk_level: '风险事件类型与等级',
});
export const DICTIONARY_KINDS = DICTIONARY_KIND_CODES.codes;
export type DictionaryKind = (typeof DICTIONARY_KINDS)[number];
export const DICTIONARY_KIND_LABELS = DICTIONARY_KIND_CODES.labels;
