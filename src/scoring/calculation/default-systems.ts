import type {
  DataWindow,
  IndicatorSystemDefinition,
  NothingDueRule,
  ScoringMethod,
  SecondLevelIndicator,
} from './indicator-system.js';

const SINGLE = { kind: 'single_tier', low: '0.8', high: '1.0' } as const;
const THREE_HIGH = { kind: 'three_tier', s: '1.0', a: '0.9', b: '0.8' } as const;
const THREE_WIDE = { kind: 'three_tier', s: '1.0', a: '0.8', b: '0.6' } as const;

/** One row of a system's table: code, name, points, method, window and, for a rate, its 0/0 rule. */
type IndicatorRow = [
  code: string,
  name: string,
  points: string,
  method: ScoringMethod,
  window: DataWindow,
  nothingDue?: NothingDueRule,
];

function indicator(firstLevel: string, row: IndicatorRow): SecondLevelIndicator {
  const [code, name, points, method, window, nothingDue] = row;
  return {
    code,
    name,
    firstLevel,
    points,
    method,
    window,
    ...(nothingDue === undefined ? {} : { nothingDue }),
  };
}

/** 风险管控力 (有事法则): default deductions per approved event in the year to date. */
function riskDeductions(): SecondLevelIndicator[] {
  const deduction = (
    code: string,
    name: string,
    perEvent: string,
    group?: string,
  ): SecondLevelIndicator => ({
    ...indicator('risk', [code, name, '0', { kind: 'deduction', perEvent }, 'year_to_date']),
    ...(group === undefined ? {} : { group }),
  });
  return [
    deduction('negative_opinion', '重大负面网络舆情', '0.1'),
    deduction('incident_larger', '群体性事件（较大）', '3', '群体性事件'),
    deduction('incident_major', '群体性事件（重大）', '5', '群体性事件'),
    deduction('incident_extreme', '群体性事件（特别重大）', '10', '群体性事件'),
  ];
}

/**
 * A system written as its table: each first-level indicator with its second-level rows, in order;
 * the last one, 风险管控力, holds the deductions.
 */
function systemOf(
  kind: IndicatorSystemDefinition['kind'],
  name: string,
  levels: { code: string; name: string; rows?: IndicatorRow[] }[],
): IndicatorSystemDefinition {
  return {
    kind,
    name,
    firstLevels: levels.map((level) => ({ code: level.code, name: level.name })),
    indicators: [
      ...levels.flatMap((level) => (level.rows ?? []).map((row) => indicator(level.code, row))),
      ...riskDeductions(),
    ],
  };
}

/** District index, appendix of seed 000: 4 first-level indicators, 100 points plus deductions. */
export const DISTRICT_SYSTEM: IndicatorSystemDefinition = systemOf('district', '区县改革综合指数', [
  {
    code: 'implementation',
    name: '改革落实力',
    rows: [
      ['pilot_count', '承接国家级和市级试点项目数', '20', SINGLE, 'as_of'],
      ['pilot_acceptance_rate', '试点按时通过验收率', '10', SINGLE, 'as_of', 'full'],
    ],
  },
  {
    code: 'brand',
    name: '品牌显示度',
    rows: [
      ['national_affirmation', '全国性肯定评价', '25', THREE_HIGH, 'year_to_date'],
      ['citywide_promotion', '全市推广', '15', THREE_HIGH, 'year_to_date'],
      ['central_media', '5家中央媒体深度报道', '10', THREE_WIDE, 'year_to_date'],
    ],
  },
  {
    code: 'satisfaction',
    name: '改革满意度',
    rows: [['satisfaction', '社情民意电话调查满意度', '20', THREE_WIDE, 'period']],
  },
  { code: 'risk', name: '风险管控力' },
]);

/**
 * Major project index (DESIGN §4; the seeds only say 5 first-level and 8 second-level, so this
 * default is ours): 6 scored indicators plus 负面舆情 and 群体性事件 (three levels) as deductions.
 */
export const MAJOR_PROJECT_SYSTEM: IndicatorSystemDefinition = systemOf(
  'major_project',
  '市级重大改革项目综合指数',
  [
    {
      code: 'target',
      name: '目标达成度',
      rows: [
        ['monthly_target_rate', '核心指标月度目标完成率', '20', SINGLE, 'period', 'full'],
        ['annual_target_rate', '年度目标完成率', '10', SINGLE, 'year_to_date'],
      ],
    },
    {
      code: 'plan',
      name: '计划推进度',
      rows: [['plan_on_time_rate', '月度计划按期完成率', '25', SINGLE, 'period', 'full']],
    },
    {
      code: 'promotion',
      name: '经验推广度',
      rows: [['promotion_count', '复制推广次数', '15', THREE_HIGH, 'year_to_date']],
    },
    {
      code: 'brand',
      name: '品牌显示度',
      rows: [
        ['national_affirmation', '全国性肯定评价', '20', THREE_HIGH, 'year_to_date'],
        ['central_media', '中央媒体深度报道', '10', THREE_WIDE, 'year_to_date'],
      ],
    },
    { code: 'risk', name: '风险管控力' },
  ],
);

/** The default system of a kind, by the names the CLI and the what-if page accept. */
export const DEFAULT_SYSTEMS: Readonly<
  Record<IndicatorSystemDefinition['kind'], IndicatorSystemDefinition>
> = {
  district: DISTRICT_SYSTEM,
  major_project: MAJOR_PROJECT_SYSTEM,
};
