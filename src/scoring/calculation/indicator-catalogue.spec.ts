import { DISTRICT_SYSTEM, MAJOR_PROJECT_SYSTEM } from './default-systems.js';
import {
  activationProblems,
  addableMeasures,
  catalogueProblems,
  defaultMethod,
  methodKindsFor,
} from './indicator-catalogue.js';
import type { IndicatorSystemDefinition } from './indicator-system.js';

const without = (codes: string[]): IndicatorSystemDefinition => ({
  ...DISTRICT_SYSTEM,
  indicators: DISTRICT_SYSTEM.indicators.filter((indicator) => !codes.includes(indicator.code)),
});

const measure = (code: string) => DISTRICT_SYSTEM.indicators.find((i) => i.code === code)!;

describe('indicator catalogue', () => {
  it('should offer nothing to add to a default system, and what was dropped once it is', () => {
    expect(addableMeasures(DISTRICT_SYSTEM)).toEqual([]);
    expect(addableMeasures(MAJOR_PROJECT_SYSTEM)).toEqual([]);
    expect(addableMeasures(without(['incident_major', 'pilot_count'])).map((m) => m.code)).toEqual([
      'pilot_count',
      'incident_major',
    ]);
  });

  it('should offer either tier method for a count or rate and only deduction for an event level', () => {
    expect(methodKindsFor(measure('pilot_count'))).toEqual(['single_tier', 'three_tier']);
    expect(methodKindsFor(measure('satisfaction'))).toEqual(['single_tier', 'three_tier']);
    expect(methodKindsFor(measure('incident_larger'))).toEqual(['deduction']);
  });

  it('should keep a measure’s own coefficients for its own method and start another from DESIGN §4’s', () => {
    expect(defaultMethod('three_tier', measure('central_media'))).toEqual({
      kind: 'three_tier',
      s: '1.0',
      a: '0.8',
      b: '0.6',
    });
    expect(defaultMethod('three_tier', measure('pilot_count'))).toEqual({
      kind: 'three_tier',
      s: '1.0',
      a: '0.9',
      b: '0.8',
    });
    expect(defaultMethod('single_tier', measure('satisfaction'))).toEqual({
      kind: 'single_tier',
      low: '0.8',
      high: '1.0',
    });
  });

  it('should refuse a code the engine has no data for, and a method the measure cannot take', () => {
    expect(catalogueProblems(DISTRICT_SYSTEM)).toEqual([]);
    expect(catalogueProblems(MAJOR_PROJECT_SYSTEM)).toEqual([]);
    const invented: IndicatorSystemDefinition = {
      ...DISTRICT_SYSTEM,
      indicators: [
        ...DISTRICT_SYSTEM.indicators.map((indicator) =>
          indicator.code === 'incident_major'
            ? { ...indicator, points: '5', method: { kind: 'single_tier', low: '0.8', high: '1' } }
            : indicator.code === 'pilot_count'
              ? { ...indicator, method: { kind: 'deduction', perEvent: '1' } }
              : indicator,
        ),
        { ...measure('pilot_count'), code: 'gdp_growth', name: 'GDP 增速' },
      ] as IndicatorSystemDefinition['indicators'],
    };
    expect(catalogueProblems(invented)).toEqual([
      '二级指标“承接国家级和市级试点项目数”是计数或比率，只能用单档或三档功效系数法',
      '二级指标“群体性事件（重大）”是风险事件扣分项，只能按每起扣分计',
      '二级指标“gdp_growth”没有数据来源（可选的指标见“添加二级指标”）',
    ]);
    // A project system cannot borrow a district measure.
    expect(
      catalogueProblems({
        ...MAJOR_PROJECT_SYSTEM,
        indicators: [...MAJOR_PROJECT_SYSTEM.indicators, { ...measure('satisfaction') }],
      }),
    ).toEqual(['二级指标“satisfaction”没有数据来源（可选的指标见“添加二级指标”）']);
  });

  it('should refuse to put in force a first-level indicator with nothing under it', () => {
    expect(activationProblems(DISTRICT_SYSTEM)).toEqual([]);
    expect(activationProblems(without(['satisfaction']))).toEqual([
      '一级指标“改革满意度”下没有二级指标，请添加二级指标或删除该一级指标',
    ]);
  });
});
