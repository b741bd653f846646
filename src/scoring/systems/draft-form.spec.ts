import { DISTRICT_SYSTEM } from '../calculation/default-systems.js';
import type { IndicatorSystemDefinition } from '../calculation/indicator-system.js';
import { draftFormOf } from '../../../test/helpers/indicator-system-form.js';
import { applyDraftForm, indicatorGroups, scoredPointsTotal } from './draft-form.js';

const codes = (definition: IndicatorSystemDefinition) => definition.indicators.map((i) => i.code);

/** The page's form of `system` with some fields changed, applied to `system`. */
const edited = (system: IndicatorSystemDefinition, changes: Record<string, string>) =>
  applyDraftForm(system, { ...draftFormOf(system), ...changes });

/** The district system without one of its second-level indicators. */
const without = (code: string): IndicatorSystemDefinition => ({
  ...DISTRICT_SYSTEM,
  indicators: DISTRICT_SYSTEM.indicators.filter((i) => i.code !== code),
});

describe('applyDraftForm', () => {
  it('should give back the same definition for an untouched form', () => {
    const result = applyDraftForm(DISTRICT_SYSTEM, draftFormOf(DISTRICT_SYSTEM));
    expect(result.definition).toEqual(DISTRICT_SYSTEM);
    expect(result.startedFromDefaults).toEqual([]);
  });

  it('should drop the rows and first levels ticked 删除', () => {
    const { definition } = edited(DISTRICT_SYSTEM, {
      'ind-satisfaction-remove': '1',
      'fl-satisfaction-remove': '1',
      'ind-incident_extreme-remove': '1',
    });
    expect(definition.firstLevels.map((level) => level.code)).toEqual([
      'implementation',
      'brand',
      'risk',
    ]);
    expect(codes(definition)).toEqual([
      'pilot_count',
      'pilot_acceptance_rate',
      'national_affirmation',
      'citywide_promotion',
      'central_media',
      'negative_opinion',
      'incident_larger',
      'incident_major',
    ]);
    // 20 + 10 + 25 + 15 + 10 = 80 once satisfaction (20) is gone.
    expect(scoredPointsTotal(definition)?.toString()).toBe('80');
  });

  it('should add a catalogue measure with the typed points under the chosen first level, from default coefficients', () => {
    const dropped = without('central_media');
    const { definition, startedFromDefaults } = edited(dropped, {
      'add-code': 'central_media',
      'add-firstLevel': 'implementation',
      'add-points': '12.5',
      'add-method': 'single_tier',
      'add-window': '',
    });
    expect(definition.indicators.at(-1)).toEqual({
      code: 'central_media',
      name: '5家中央媒体深度报道',
      firstLevel: 'implementation',
      points: '12.5',
      method: { kind: 'single_tier', low: '0.8', high: '1.0' },
      window: 'year_to_date',
    });
    expect(startedFromDefaults).toEqual(['5家中央媒体深度报道']);
  });

  it('should add an event level as a deduction worth 0 points, whatever method was picked, keeping its group', () => {
    const dropped = without('incident_major');
    const { definition } = edited(dropped, {
      'add-code': 'incident_major',
      'add-name': '群体性事件（重大级别）',
      'add-firstLevel': 'risk',
      'add-points': '7',
      'add-method': 'three_tier',
    });
    expect(definition.indicators.at(-1)).toEqual({
      code: 'incident_major',
      name: '群体性事件（重大级别）',
      firstLevel: 'risk',
      points: '0',
      method: { kind: 'deduction', perEvent: '5' },
      window: 'year_to_date',
      group: '群体性事件',
    });
  });

  it('should switch a row to the other tier method with its default coefficients, ignoring the old ones', () => {
    const { definition, startedFromDefaults } = edited(DISTRICT_SYSTEM, {
      'ind-pilot_count-method': 'three_tier',
      'ind-pilot_count-low': '0.5',
      // A deduction row cannot be switched: the posted method is ignored.
      'ind-negative_opinion-method': 'single_tier',
    });
    const pilotCount = definition.indicators.find((i) => i.code === 'pilot_count')!;
    expect(pilotCount.method).toEqual({ kind: 'three_tier', s: '1.0', a: '0.9', b: '0.8' });
    expect(definition.indicators.find((i) => i.code === 'negative_opinion')!.method).toEqual({
      kind: 'deduction',
      perEvent: '0.1',
    });
    expect(startedFromDefaults).toEqual(['承接国家级和市级试点项目数']);
  });

  it('should add a first level and move a row under it in the same save', () => {
    const { definition } = edited(DISTRICT_SYSTEM, {
      'addfl-code': 'innovation',
      'addfl-name': '改革创新度',
      'ind-citywide_promotion-firstLevel': 'innovation',
    });
    expect(definition.firstLevels.at(-1)).toEqual({ code: 'innovation', name: '改革创新度' });
    expect(definition.indicators.find((i) => i.code === 'citywide_promotion')!.firstLevel).toBe(
      'innovation',
    );
  });

  it('should keep what was typed wrong, for the page to show back', () => {
    const { definition } = edited(DISTRICT_SYSTEM, {
      'ind-pilot_count-points': '二十',
      'add-code': 'gdp_growth',
      'add-name': 'GDP 增速',
      'add-points': '5',
    });
    expect(definition.indicators.find((i) => i.code === 'pilot_count')!.points).toBe('二十');
    expect(definition.indicators.at(-1)).toMatchObject({
      code: 'gdp_growth',
      name: 'GDP 增速',
      points: '5',
      method: { kind: 'single_tier', low: '', high: '' },
    });
  });
});

describe('applyDraftForm with the rows and levels the page lists', () => {
  const dropped = without('central_media');
  const page = (definition: IndicatorSystemDefinition) => ({
    ...draftFormOf(definition),
    levels: definition.firstLevels.map((level) => level.code),
    rows: definition.indicators.map((indicator) => indicator.code),
    ...Object.fromEntries(definition.indicators.map((i) => [`ind-${i.code}-kind`, i.method.kind])),
  });

  it('should keep a row and a level that a refused save showed back but never stored', () => {
    // The refused save showed 中央媒体 as a single-tier row under a new level 传播力.
    const shown: IndicatorSystemDefinition = {
      ...dropped,
      firstLevels: [...dropped.firstLevels, { code: 'reach', name: '传播力' }],
      indicators: [
        ...dropped.indicators,
        {
          code: 'central_media',
          name: '中央媒体报道',
          firstLevel: 'reach',
          points: '10',
          method: { kind: 'single_tier', low: '0.7', high: '1.0' },
          window: 'year_to_date',
        },
      ],
    };
    const { definition, startedFromDefaults } = applyDraftForm(dropped, page(shown));
    expect(definition).toEqual(shown);
    expect(startedFromDefaults).toEqual([]);
  });

  it('should list each posted code once and give a forged code only what was typed', () => {
    const body = page(dropped);
    const { definition } = applyDraftForm(dropped, {
      ...body,
      rows: [...body.rows, 'pilot_count', 'gdp_growth'],
      'ind-gdp_growth-name': 'GDP 增速',
      'ind-gdp_growth-method': 'three_tier',
    });
    expect(codes(definition).filter((code) => code === 'pilot_count')).toHaveLength(1);
    expect(definition.indicators.at(-1)).toEqual({
      code: 'gdp_growth',
      name: 'GDP 增速',
      firstLevel: '',
      points: '',
      method: { kind: 'single_tier', low: '', high: '' },
      window: 'period',
    });
  });
});

describe('indicatorGroups', () => {
  it('should list rows under their first level and rows whose level is gone last, apart', () => {
    const { definition } = edited(DISTRICT_SYSTEM, {
      'fl-satisfaction-remove': '1',
    });
    const groups = indicatorGroups(definition);
    expect(groups.map((group) => [group.name, group.orphaned, codes(group as never)])).toEqual([
      ['改革落实力', false, ['pilot_count', 'pilot_acceptance_rate']],
      ['品牌显示度', false, ['national_affirmation', 'citywide_promotion', 'central_media']],
      [
        '风险管控力',
        false,
        ['negative_opinion', 'incident_larger', 'incident_major', 'incident_extreme'],
      ],
      ['所属一级指标不存在', true, ['satisfaction']],
    ]);
  });
});

describe('scoredPointsTotal', () => {
  it('should add the scored points exactly and give up while one is not a number', () => {
    // 20 + 10 + 25 + 15 + 10 + 20 = 100; deductions (0) are not counted.
    expect(scoredPointsTotal(DISTRICT_SYSTEM)?.toString()).toBe('100');
    const thirds = {
      ...DISTRICT_SYSTEM,
      indicators: DISTRICT_SYSTEM.indicators.map((i) =>
        i.code === 'pilot_count' ? { ...i, points: '20.1' } : i,
      ),
    };
    // 100 − 20 + 20.1 = 100.1, exactly.
    expect(scoredPointsTotal(thirds)?.toString()).toBe('1001/10');
    expect(
      scoredPointsTotal({
        ...DISTRICT_SYSTEM,
        indicators: DISTRICT_SYSTEM.indicators.map((i) =>
          i.code === 'pilot_count' ? { ...i, points: 'x' } : i,
        ),
      }),
    ).toBeUndefined();
  });
});
