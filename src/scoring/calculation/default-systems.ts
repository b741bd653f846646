import type { IndicatorSystemDefinition, SecondLevelIndicator } from './indicator-system.js';

const SINGLE = { kind: 'single_tier', low: '0.8', high: '1.0' } as const;
const THREE_HIGH = { kind: 'three_tier', s: '1.0', a: '0.9', b: '0.8' } as const;
const THREE_WIDE = { kind: 'three_tier', s: '1.0', a: '0.8', b: '0.6' } as const;

/** 风险管控力 (有事法则): default deductions per approved event in the year to date. */
function riskDeductions(): SecondLevelIndicator[] {
  const deduction = (
    code: string,
    name: string,
    perEvent: string,
    group?: string,
  ): SecondLevelIndicator => ({
    code,
    name,
    firstLevel: 'risk',
    points: '0',
    method: { kind: 'deduction', perEvent },
    window: 'year_to_date',
    ...(group === undefined ? {} : { group }),
  });
  return [
    deduction('negative_opinion', '重大负面网络舆情', '0.1'),
    deduction('incident_larger', '群体性事件（较大）', '3', '群体性事件'),
    deduction('incident_major', '群体性事件（重大）', '5', '群体性事件'),
    deduction('incident_extreme', '群体性事件（特别重大）', '10', '群体性事件'),
  ];
}

/** District index, appendix of seed 000: 4 first-level indicators, 100 points plus deductions. */
export const DISTRICT_SYSTEM: IndicatorSystemDefinition = {
  kind: 'district',
  name: '区县改革综合指数',
  firstLevels: [
    { code: 'implementation', name: '改革落实力' },
    { code: 'brand', name: '品牌显示度' },
    { code: 'satisfaction', name: '改革满意度' },
    { code: 'risk', name: '风险管控力' },
  ],
  indicators: [
    {
      code: 'pilot_count',
      name: '承接国家级和市级试点项目数',
      firstLevel: 'implementation',
      points: '20',
      method: SINGLE,
      window: 'as_of',
    },
    {
      code: 'pilot_acceptance_rate',
      name: '试点按时通过验收率',
      firstLevel: 'implementation',
      points: '10',
      method: SINGLE,
      window: 'as_of',
      nothingDue: 'full',
    },
    {
      code: 'national_affirmation',
      name: '全国性肯定评价',
      firstLevel: 'brand',
      points: '25',
      method: THREE_HIGH,
      window: 'year_to_date',
    },
    {
      code: 'citywide_promotion',
      name: '全市推广',
      firstLevel: 'brand',
      points: '15',
      method: THREE_HIGH,
      window: 'year_to_date',
    },
    {
      code: 'central_media',
      name: '5家中央媒体深度报道',
      firstLevel: 'brand',
      points: '10',
      method: THREE_WIDE,
      window: 'year_to_date',
    },
    {
      code: 'satisfaction',
      name: '社情民意电话调查满意度',
      firstLevel: 'satisfaction',
      points: '20',
      method: THREE_WIDE,
      window: 'period',
    },
    ...riskDeductions(),
  ],
};

/**
 * Major project index (DESIGN §4; the seeds only say 5 first-level and 8 second-level, so this
 * default is ours): 6 scored indicators plus 负面舆情 and 群体性事件 (three levels) as deductions.
 */
export const MAJOR_PROJECT_SYSTEM: IndicatorSystemDefinition = {
  kind: 'major_project',
  name: '市级重大改革项目综合指数',
  firstLevels: [
    { code: 'target', name: '目标达成度' },
    { code: 'plan', name: '计划推进度' },
    { code: 'promotion', name: '经验推广度' },
    { code: 'brand', name: '品牌显示度' },
    { code: 'risk', name: '风险管控力' },
  ],
  indicators: [
    {
      code: 'monthly_target_rate',
      name: '核心指标月度目标完成率',
      firstLevel: 'target',
      points: '20',
      method: SINGLE,
      window: 'period',
      nothingDue: 'full',
    },
    {
      code: 'annual_target_rate',
      name: '年度目标完成率',
      firstLevel: 'target',
      points: '10',
      method: SINGLE,
      window: 'year_to_date',
    },
    {
      code: 'plan_on_time_rate',
      name: '月度计划按期完成率',
      firstLevel: 'plan',
      points: '25',
      method: SINGLE,
      window: 'period',
      nothingDue: 'full',
    },
    {
      code: 'promotion_count',
      name: '复制推广次数',
      firstLevel: 'promotion',
      points: '15',
      method: THREE_HIGH,
      window: 'year_to_date',
    },
    {
      code: 'national_affirmation',
      name: '全国性肯定评价',
      firstLevel: 'brand',
      points: '20',
      method: THREE_HIGH,
      window: 'year_to_date',
    },
    {
      code: 'central_media',
      name: '中央媒体深度报道',
      firstLevel: 'brand',
      points: '10',
      method: THREE_WIDE,
      window: 'year_to_date',
    },
    ...riskDeductions(),
  ],
};

/** The default system of a kind, by the names the CLI and the what-if page accept. */
export const DEFAULT_SYSTEMS: Readonly<
  Record<IndicatorSystemDefinition['kind'], IndicatorSystemDefinition>
> = {
  district: DISTRICT_SYSTEM,
  major_project: MAJOR_PROJECT_SYSTEM,
};
