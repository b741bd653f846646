import { DISTRICT_SYSTEM, MAJOR_PROJECT_SYSTEM } from './default-systems.js';
import { validateSystem } from './indicator-system.js';
import type { IndicatorSystemDefinition } from './indicator-system.js';

/** Second-level indicators as the seeds count them: deduction codes of one group are one. */
function secondLevelNames(system: IndicatorSystemDefinition): string[] {
  return [...new Set(system.indicators.map((indicator) => indicator.group ?? indicator.name))];
}

function pointsOf(system: IndicatorSystemDefinition): number {
  return system.indicators.reduce((sum, indicator) => sum + Number(indicator.points), 0);
}

describe('default indicator systems', () => {
  it('should be valid', () => {
    expect(validateSystem(DISTRICT_SYSTEM)).toEqual([]);
    expect(validateSystem(MAJOR_PROJECT_SYSTEM)).toEqual([]);
  });

  it('should give the district 4 first-level indicators worth 30 + 50 + 20 = 100 points', () => {
    expect(DISTRICT_SYSTEM.firstLevels.map((level) => level.code)).toEqual([
      'implementation',
      'brand',
      'satisfaction',
      'risk',
    ]);
    expect(DISTRICT_SYSTEM.indicators.map((i) => [i.code, i.points])).toEqual([
      ['pilot_count', '20'],
      ['pilot_acceptance_rate', '10'],
      ['national_affirmation', '25'],
      ['citywide_promotion', '15'],
      ['central_media', '10'],
      ['satisfaction', '20'],
      ['negative_opinion', '0'],
      ['incident_larger', '0'],
      ['incident_major', '0'],
      ['incident_extreme', '0'],
    ]);
    expect(pointsOf(DISTRICT_SYSTEM)).toBe(100);
  });

  it('should give major projects 5 first-level and 8 second-level indicators worth 100 points', () => {
    expect(MAJOR_PROJECT_SYSTEM.firstLevels).toHaveLength(5);
    // 6 scored + 重大负面网络舆情 + 群体性事件 (three levels, one group)
    expect(secondLevelNames(MAJOR_PROJECT_SYSTEM)).toHaveLength(8);
    // 20 + 10 + 25 + 15 + 20 + 10 = 100
    expect(pointsOf(MAJOR_PROJECT_SYSTEM)).toBe(100);
    expect(
      MAJOR_PROJECT_SYSTEM.indicators
        .filter((i) => i.method.kind === 'deduction')
        .map((i) => [i.code, i.method.kind === 'deduction' ? i.method.perEvent : '']),
    ).toEqual([
      ['negative_opinion', '0.1'],
      ['incident_larger', '3'],
      ['incident_major', '5'],
      ['incident_extreme', '10'],
    ]);
  });
});

describe('validateSystem', () => {
  it('should name every problem of a broken definition in Chinese', () => {
    const broken: IndicatorSystemDefinition = {
      kind: 'district',
      name: '测试体系',
      firstLevels: [
        { code: 'a', name: '一' },
        { code: 'a', name: '一（重复）' },
      ],
      indicators: [
        {
          code: 'x',
          name: '甲',
          firstLevel: 'a',
          points: '0',
          method: { kind: 'single_tier', low: '1', high: '0.8' },
          window: 'period',
        },
        {
          code: 'x',
          name: '甲（重复）',
          firstLevel: 'nowhere',
          points: '10',
          method: { kind: 'three_tier', s: '1.2', a: '0.9', b: '0' },
          window: 'period',
        },
        {
          code: 'y',
          name: '乙',
          firstLevel: 'a',
          points: '5',
          method: { kind: 'three_tier', s: '0.8', a: '0.9', b: '0.6' },
          window: 'period',
        },
        {
          code: 'z',
          name: '丙',
          firstLevel: 'a',
          points: '1',
          method: { kind: 'deduction', perEvent: '0' },
          window: 'year_to_date',
        },
        {
          code: 'unit',
          name: '丁',
          firstLevel: 'a',
          points: 'ten',
          method: { kind: 'single_tier', low: '0.8', high: '1' },
          window: 'as_of',
        },
        {
          code: 'Bad-Code',
          name: ' ',
          firstLevel: 'a',
          points: '-2',
          method: { kind: 'deduction', perEvent: '-1' },
          window: 'as_of',
        },
      ],
    };
    expect(validateSystem(broken)).toEqual([
      '一级指标代码“a”重复',
      '二级指标“x”的分值须为正数',
      '二级指标“x”的低档系数不能大于高档系数',
      '二级指标“x”的代码重复',
      '二级指标“x”所属的一级指标“nowhere”不存在',
      '二级指标“x”的S 档系数“1.2”须大于 0 且不大于 1',
      '二级指标“x”的B 档系数“0”须大于 0 且不大于 1',
      '二级指标“y”的系数须满足 S ≥ A ≥ B',
      '二级指标“z”是扣分项，分值须为 0',
      '二级指标“z”的每次扣分“0”须为正数',
      '二级指标代码不能用“unit”（它是单位列的列名）',
      '二级指标“unit”的分值“ten”不是数',
      '二级指标代码“Bad-Code”须以小写字母开头，只含小写字母、数字和下划线，最长 50 个字符',
      '二级指标“Bad-Code”的名称为空',
      '二级指标“Bad-Code”是扣分项，分值须为 0',
      '二级指标“Bad-Code”的每次扣分“-1”须为正数',
    ]);
  });

  it('should accept equal coefficients and refuse a system with deductions only', () => {
    const flat: IndicatorSystemDefinition = {
      kind: 'major_project',
      name: '只扣分',
      firstLevels: [{ code: 'risk', name: '风险' }],
      indicators: [
        {
          code: 'negative_opinion',
          name: '舆情',
          firstLevel: 'risk',
          points: '0',
          method: { kind: 'deduction', perEvent: '0.1' },
          window: 'year_to_date',
        },
      ],
    };
    expect(validateSystem(flat)).toEqual(['指标体系没有计分的二级指标']);
    flat.indicators.push({
      code: 'flat',
      name: '等系数',
      firstLevel: 'risk',
      points: '3',
      method: { kind: 'three_tier', s: '1', a: '1', b: '1' },
      window: 'period',
    });
    expect(validateSystem(flat)).toEqual([]);
  });
});
