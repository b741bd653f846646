import { DISTRICT_SYSTEM } from './default-systems.js';
import { rankOf, scoreUnits, ScoringInputError } from './efficacy.js';
import type { UnitInput, UnitResult } from './efficacy.js';
import { Fraction } from './fraction.js';
import type {
  IndicatorSystemDefinition,
  ScoringMethod,
  SecondLevelIndicator,
} from './indicator-system.js';

const f = Fraction.parse;

/** A one-level system; scored indicators are `[code, points, method]`. */
function systemOf(...specs: [string, string, ScoringMethod][]): IndicatorSystemDefinition {
  return {
    kind: 'district',
    name: '测试体系',
    firstLevels: [
      { code: 'main', name: '计分' },
      { code: 'risk', name: '风险' },
    ],
    indicators: specs.map(([code, points, method]): SecondLevelIndicator => ({
      code,
      name: code,
      firstLevel: method.kind === 'deduction' ? 'risk' : 'main',
      points,
      method,
      window: 'period',
    })),
  };
}

const SINGLE: ScoringMethod = { kind: 'single_tier', low: '0.8', high: '1.0' };
const HIGH: ScoringMethod = { kind: 'three_tier', s: '1.0', a: '0.9', b: '0.8' };
const WIDE: ScoringMethod = { kind: 'three_tier', s: '1.0', a: '0.8', b: '0.6' };

/** Units named u1, u2, … with one value each of indicator `code`. */
function column(code: string, values: string[]): UnitInput[] {
  return values.map((value, i) => ({ unit: `u${i + 1}`, values: { [code]: f(value) } }));
}

const scoresOf = (results: UnitResult[], code: string) =>
  results.map((result) => result.indicators[code].toString());

describe('scoreUnits: single tier', () => {
  it('should scale between min and max with coefficients 0.8 and 1.0', () => {
    // w = 20, min 2, max 11, max − min = 9: score = 20 × [0.8 + (x − 2)/9 × 0.2]
    //  2 → 20 × 0.8 = 16
    //  5 → 20 × (0.8 + 3/9 × 0.2) = 16 + 20 × 1/15 = 16 + 4/3 = 52/3
    //  8 → 20 × (0.8 + 6/9 × 0.2) = 16 + 20 × 2/15 = 16 + 8/3 = 56/3
    // 11 → 20 × 1.0 = 20
    const results = scoreUnits(systemOf(['x', '20', SINGLE]), column('x', ['8', '2', '11', '5']));
    expect(scoresOf(results, 'x')).toEqual(['56/3', '16', '20', '52/3']);
    expect(results.map((r) => r.total.toFixed(2))).toEqual(['18.67', '16.00', '20.00', '17.33']);
    expect(results.map((r) => r.rank)).toEqual([2, 4, 1, 3]);
  });

  it('should give everyone the high coefficient when max = min', () => {
    // all 3: no spread, 20 × 1.0 = 20 each, all rank 1
    const results = scoreUnits(systemOf(['x', '20', SINGLE]), column('x', ['3', '3', '3']));
    expect(scoresOf(results, 'x')).toEqual(['20', '20', '20']);
    expect(results.map((r) => r.rank)).toEqual([1, 1, 1]);
    // a single unit is its own max and min
    expect(scoresOf(scoreUnits(systemOf(['x', '20', SINGLE]), column('x', ['0'])), 'x')).toEqual([
      '20',
    ]);
  });
});

describe('scoreUnits: three tiers', () => {
  it.each([
    // w = 25, (1.0, 0.9, 0.8); sorted 0 1 2 4 8: min 0, median 2, max 8
    // 8: S → 25 × 1.0 = 25
    // 4: A → 0.9 + (4 − 2)/(8 − 2) × 0.1 = 0.9 + 1/30 = 14/15 → 25 × 14/15 = 70/3
    // 2: A at the median → 0.9 → 22.5 = 45/2
    // 1: B → 0.8 + (1 − 0)/(2 − 0) × 0.1 = 0.85 → 21.25 = 85/4
    // 0: B at min → 0.8 → 20
    [
      'use the middle value as median for an odd count',
      '25',
      HIGH,
      ['4', '0', '8', '2', '1'],
      ['70/3', '20', '25', '45/2', '85/4'],
    ],
    // w = 10, (1.0, 0.8, 0.6); sorted 1 3 5 9: min 1, median (3 + 5)/2 = 4, max 9
    // 9: S → 10
    // 5: A → 0.8 + (5 − 4)/(9 − 4) × 0.2 = 0.84 → 8.4 = 42/5
    // 3: B → 0.6 + (3 − 1)/(4 − 1) × 0.2 = 0.6 + 2/15 = 11/15 → 22/3
    // 1: B at min → 0.6 → 6
    [
      'take the mean of the two middle values as median for an even count',
      '10',
      WIDE,
      ['1', '3', '5', '9'],
      ['6', '22/3', '42/5', '10'],
    ],
    // all 7: everyone is at max → 10 × 1.0
    ['give everyone c_S when max = min', '10', WIDE, ['7', '7'], ['10', '10']],
    // w = 10, (1.0, 0.9, 0.8); sorted 0 0 0 2 5: min 0 = median 0, max 5; nobody is below the median
    // 0: A → 0.9 + (0 − 0)/(5 − 0) × 0.1 = 0.9 → 9
    // 2: A → 0.9 + 2/5 × 0.1 = 0.94 → 9.4 = 47/5
    // 5: S → 10
    [
      'not divide by zero when the median equals the minimum',
      '10',
      HIGH,
      ['0', '0', '0', '2', '5'],
      ['9', '9', '9', '47/5', '10'],
    ],
    // w = 10, (1.0, 0.8, 0.6); sorted 1 4 4 4: median (4 + 4)/2 = 4 = max; nobody is in [median, max)
    // 4: S → 10
    // 1: B → 0.6 + (1 − 1)/(4 − 1) × 0.2 = 0.6 → 6
    [
      'not divide by zero when the median equals the maximum',
      '10',
      WIDE,
      ['1', '4', '4', '4'],
      ['6', '10', '10', '10'],
    ],
  ] as const)('should %s', (_name, points, method, values, expected) => {
    const results = scoreUnits(systemOf(['x', points, method]), column('x', [...values]));
    expect(scoresOf(results, 'x')).toEqual(expected);
  });
});

describe('scoreUnits: deductions', () => {
  it('should deduct count × per-event or the frozen amount, and floor the total at 0', () => {
    const system = systemOf(
      ['x', '5', SINGLE],
      ['neg', '0', { kind: 'deduction', perEvent: '0.1' }],
      ['inc', '0', { kind: 'deduction', perEvent: '3' }],
    );
    // x: min 0, max 10: score = 5 × (0.8 + x/10 × 0.2)
    // A: x 10 → 5;   deductions 2 × 0.1 = 0.2           → total 4.8
    // B: x 0  → 4;   deductions 2 × 3 = 6               → 4 − 6 = −2 → total 0
    // C: x 5  → 4.5; deductions: frozen 2.5 (not 1 × 3) → total 2
    const results = scoreUnits(system, [
      { unit: 'A', values: { x: f('10'), neg: f('2'), inc: f('0') } },
      { unit: 'B', values: { x: f('0'), neg: f('0'), inc: f('2') } },
      {
        unit: 'C',
        values: { x: f('5'), neg: f('0'), inc: f('1') },
        deductionAmounts: { inc: f('2.5') },
      },
    ]);
    expect(
      results.map((r) => [
        r.unit,
        r.indicators.x.toString(),
        r.indicators.neg.toString(),
        r.indicators.inc.toString(),
        r.firstLevels.main.toString(),
        r.firstLevels.risk.toString(),
        r.deductions.toString(),
        r.total.toString(),
        r.rank,
      ]),
    ).toEqual([
      ['A', '5', '-1/5', '0', '5', '-1/5', '1/5', '24/5', 1],
      ['B', '4', '0', '-6', '4', '-6', '6', '0', 3],
      ['C', '9/2', '0', '-5/2', '9/2', '-5/2', '5/2', '2', 2],
    ]);
  });

  it('should refuse a count that is not a whole non-negative number, and negative amounts', () => {
    const system = systemOf(
      ['x', '5', SINGLE],
      ['neg', '0', { kind: 'deduction', perEvent: '0.1' }],
    );
    expect(() => scoreUnits(system, [{ unit: 'A', values: { x: f('1'), neg: f('1.5') } }])).toThrow(
      '单位“A”的扣分项“neg”事件数 3/2 须为非负整数',
    );
    expect(() =>
      scoreUnits(system, [
        { unit: 'A', values: { x: f('1') }, deductionAmounts: { neg: f('-0.1') } },
      ]),
    ).toThrow('单位“A”的扣分项“neg”扣分 -1/10 不能为负');
  });
});

describe('scoreUnits: which indicators are scored', () => {
  it('should leave out indicators no unit has a value for', () => {
    const system = systemOf(['x', '10', SINGLE], ['y', '10', SINGLE]);
    // only x: 1 → 8, 2 → 10; y is not in play and adds nothing
    const results = scoreUnits(system, column('x', ['1', '2']));
    expect(results.map((r) => Object.keys(r.indicators))).toEqual([['x'], ['x']]);
    expect(results.map((r) => r.total.toString())).toEqual(['8', '10']);
    expect(scoreUnits(system, [])).toEqual([]);
  });

  it('should name the unit and code when a unit lacks a value of a scored indicator', () => {
    const system = systemOf(['x', '10', SINGLE], ['y', '10', SINGLE]);
    let caught: unknown;
    try {
      scoreUnits(system, [
        { unit: '甲区', values: { x: f('1'), y: f('2') } },
        { unit: '乙区', values: { x: f('3') } },
      ]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ScoringInputError);
    const error = caught as ScoringInputError;
    expect([error.kind, error.unit, error.code, error.message]).toEqual([
      'missing_value',
      '乙区',
      'y',
      '单位“乙区”缺少指标“y”（y）的值',
    ]);
  });

  it('should refuse unknown codes, duplicate units and an invalid system', () => {
    const system = systemOf(['x', '10', SINGLE]);
    expect(() => scoreUnits(system, [{ unit: 'A', values: { constructor: f('1') } }])).toThrow(
      '单位“A”的“constructor”不是测试体系的指标代码',
    );
    expect(() => scoreUnits(system, [...column('x', ['1']), ...column('x', ['2'])])).toThrow(
      '单位“u1”重复',
    );
    expect(() => scoreUnits(systemOf(['x', '0', SINGLE]), column('x', ['1']))).toThrow(
      '指标体系有误：二级指标“x”的分值须为正数',
    );
  });
});

describe('rankOf', () => {
  it('should share ranks between equal values and skip the next ones', () => {
    expect(rankOf(['9', '8', '8', '2'].map(f))).toEqual([1, 2, 2, 4]);
    // 7 7 → 1; 5 5 → 3; 3 → 5
    expect(rankOf(['5', '7', '5', '3', '7'].map(f))).toEqual([3, 1, 3, 5, 1]);
    expect(rankOf([])).toEqual([]);
  });

  it('should tie exactly equal values that floats tell apart', () => {
    // 0.1 + 0.2 = 0.3 exactly; as doubles 0.30000000000000004 > 0.3
    expect(rankOf([f('0.1').add(f('0.2')), f('0.3'), f('0.2')])).toEqual([1, 1, 3]);
  });

  it('should tie totals that are equal exactly but not in floating point', () => {
    // a: w 20, b: w 10, both single tier; a and b both have min 0, max 3
    // P: a 0 → 16,            b 3 → 10            → 26
    // Q: a 1 → 20 × 13/15,    b 1 → 10 × 13/15    → 30 × 13/15 = 26
    //    (0.8 + 1/3 × 0.2 = 13/15; in doubles Q adds up to 26.000000000000004)
    // R: a 3 → 20,            b 0 → 8             → 28
    const system = systemOf(['a', '20', SINGLE], ['b', '10', SINGLE]);
    const results = scoreUnits(system, [
      { unit: 'P', values: { a: f('0'), b: f('3') } },
      { unit: 'Q', values: { a: f('1'), b: f('1') } },
      { unit: 'R', values: { a: f('3'), b: f('0') } },
    ]);
    expect(results.map((r) => [r.unit, r.total.toString(), r.rank])).toEqual([
      ['P', '26', 2],
      ['Q', '26', 2],
      ['R', '28', 1],
    ]);
  });
});

describe('scoreUnits: the district system', () => {
  it('should score six districts over all indicators with deductions', () => {
    const units: UnitInput[] = [
      // pilot_count, pilot_acceptance_rate, national_affirmation, citywide_promotion,
      // central_media, satisfaction, negative_opinion, incident_larger, incident_major, incident_extreme
      ['甲区', '6', '100', '3', '2', '1', '92.5', '0', '0', '0', '0'],
      ['乙区', '4', '50', '1', '4', '0', '88', '2', '0', '0', '0'],
      ['丙区', '2', '100', '0', '1', '0', '95', '0', '0', '0', '0'],
      ['丁区', '2', '75', '1', '0', '2', '90', '5', '0', '0', '0'],
      ['戊区', '10', '100', '2', '1', '0', '85', '0', '1', '0', '0'],
      ['己区', '0', '100', '0', '3', '1', '90', '0', '0', '1', '0'],
    ].map(([unit, ...values]) => ({
      unit,
      values: Object.fromEntries(
        DISTRICT_SYSTEM.indicators.map((indicator, i) => [indicator.code, f(values[i])]),
      ),
    }));
    // pilot_count (20, single): min 0, max 10 → 20 × (0.8 + x/10 × 0.2) = 16 + 0.4x
    //   甲 6 → 18.4 = 92/5; 乙 4 → 17.6 = 88/5; 丙, 丁 2 → 16.8 = 84/5; 戊 10 → 20; 己 0 → 16
    // pilot_acceptance_rate (10, single): min 50, max 100 → 8 + (x − 50)/25
    //   100 → 10; 乙 50 → 8; 丁 75 → 9
    // national_affirmation (25; 1.0/0.9/0.8): sorted 0 0 1 1 2 3: min 0, median 1, max 3
    //   甲 3 → 25; 戊 2 → 0.9 + 1/2 × 0.1 = 0.95 → 23.75 = 95/4; 乙, 丁 1 → 0.9 → 45/2;
    //   丙, 己 0 → 0.8 → 20
    // citywide_promotion (15; 1.0/0.9/0.8): sorted 0 1 1 2 3 4: min 0, median 1.5, max 4
    //   乙 4 → 15; 己 3 → 0.9 + 1.5/2.5 × 0.1 = 0.96 → 14.4 = 72/5;
    //   甲 2 → 0.9 + 0.5/2.5 × 0.1 = 0.92 → 13.8 = 69/5;
    //   丙, 戊 1 → 0.8 + 1/1.5 × 0.1 = 13/15 → 13; 丁 0 → 0.8 → 12
    // central_media (10; 1.0/0.8/0.6): sorted 0 0 0 1 1 2: min 0, median 0.5, max 2
    //   丁 2 → 10; 甲, 己 1 → 0.8 + 0.5/1.5 × 0.2 = 13/15 → 26/3; 乙, 丙, 戊 0 → 0.6 → 6
    // satisfaction (20; 1.0/0.8/0.6): sorted 85 88 90 90 92.5 95: min 85, median 90, max 95
    //   丙 95 → 20; 甲 92.5 → 0.8 + 2.5/5 × 0.2 = 0.9 → 18; 丁, 己 90 → 0.8 → 16;
    //   乙 88 → 0.6 + 3/5 × 0.2 = 0.72 → 14.4 = 72/5; 戊 85 → 0.6 → 12
    // deductions: 乙 2 × 0.1 = 0.2; 丁 5 × 0.1 = 0.5; 戊 1 × 3 = 3; 己 1 × 5 = 5
    // totals:
    //   甲 18.4 + 10 + 25 + 13.8 + 26/3 + 18 = 85.2 + 26/3 = (1278 + 130)/15 = 1408/15 ≈ 93.87
    //   乙 17.6 + 8 + 22.5 + 15 + 6 + 14.4 = 83.5; − 0.2 = 83.3 = 833/10
    //   丙 16.8 + 10 + 20 + 13 + 6 + 20 = 85.8 = 429/5
    //   丁 16.8 + 9 + 22.5 + 12 + 10 + 16 = 86.3; − 0.5 = 85.8 = 429/5 (ties with 丙)
    //   戊 20 + 10 + 23.75 + 13 + 6 + 12 = 84.75; − 3 = 81.75 = 327/4
    //   己 16 + 10 + 20 + 14.4 + 26/3 + 16 = 76.4 + 26/3 = (1146 + 130)/15 = 1276/15; − 5 = 1201/15
    // ranks: 甲 1, 丙 and 丁 2, 乙 4, 戊 5, 己 6
    const results = scoreUnits(DISTRICT_SYSTEM, units);
    const codes = DISTRICT_SYSTEM.indicators.map((indicator) => indicator.code);
    expect(
      results.map((r) => [r.unit, ...codes.map((code) => r.indicators[code].toString())]),
    ).toEqual([
      ['甲区', '92/5', '10', '25', '69/5', '26/3', '18', '0', '0', '0', '0'],
      ['乙区', '88/5', '8', '45/2', '15', '6', '72/5', '-1/5', '0', '0', '0'],
      ['丙区', '84/5', '10', '20', '13', '6', '20', '0', '0', '0', '0'],
      ['丁区', '84/5', '9', '45/2', '12', '10', '16', '-1/2', '0', '0', '0'],
      ['戊区', '20', '10', '95/4', '13', '6', '12', '0', '-3', '0', '0'],
      ['己区', '16', '10', '20', '72/5', '26/3', '16', '0', '0', '-5', '0'],
    ]);
    expect(
      results.map((r) => [r.unit, r.deductions.toString(), r.total.toString(), r.rank]),
    ).toEqual([
      ['甲区', '0', '1408/15', 1],
      ['乙区', '1/5', '833/10', 4],
      ['丙区', '0', '429/5', 2],
      ['丁区', '1/2', '429/5', 2],
      ['戊区', '3', '327/4', 5],
      ['己区', '5', '1201/15', 6],
    ]);
    // first levels of 甲: 改革落实力 18.4 + 10 = 28.4 = 142/5;
    // 品牌显示度 25 + 13.8 + 26/3 = 38.8 + 26/3 = (582 + 130)/15 = 712/15; 满意度 18; 风险 0
    expect(
      Object.entries(results[0].firstLevels).map(([code, score]) => [code, score.toString()]),
    ).toEqual([
      ['implementation', '142/5'],
      ['brand', '712/15'],
      ['satisfaction', '18'],
      ['risk', '0'],
    ]);
    expect(results[3].firstLevels.risk.toString()).toBe('-1/2');
    expect(results.map((r) => r.total.toFixed(2))).toEqual([
      '93.87',
      '83.30',
      '85.80',
      '85.80',
      '81.75',
      '80.07',
    ]);
  });
});

describe('scoreUnits: a rate with nothing due (0/0 rule)', () => {
  // 试点按时通过验收率, 10 points, single tier (0.8, 1.0): score = 10 × [0.8 + (x − min)/(max − min) × 0.2].
  // Five districts: A 1/2 = 0.5, B 3/4 = 0.75, C 1/4 = 0.25, D and E none due (0/0; the inputs
  // give them 1 as a placeholder, which the rule replaces).
  const rateSystem = (rule?: 'full' | 'median' | 'zero'): IndicatorSystemDefinition => {
    const system = systemOf(['rate', '10', SINGLE]);
    return {
      ...system,
      indicators: system.indicators.map((indicator) =>
        rule === undefined ? indicator : { ...indicator, nothingDue: rule },
      ),
    };
  };
  const districts = (): UnitInput[] => [
    { unit: 'A', values: { rate: f('0.5') } },
    { unit: 'B', values: { rate: f('0.75') } },
    { unit: 'C', values: { rate: f('0.25') } },
    { unit: 'D', values: { rate: f('1') }, nothingDue: ['rate'] },
    { unit: 'E', values: { rate: f('1') }, nothingDue: ['rate'] },
  ];
  const scoresOf = (results: UnitResult[]) =>
    Object.fromEntries(results.map((result) => [result.unit, result.indicators.rate]));

  const withF = (): UnitInput[] => [
    ...districts().slice(0, 4),
    { unit: 'F', values: { rate: f('0') } },
  ];
  const noneDue = (): UnitInput[] =>
    ['A', 'B'].map((unit) => ({ unit, values: { rate: f('1') }, nothingDue: ['rate'] }));

  it.each([
    // span 0.75: A 8 + 2 × 0.25/0.75 = 26/3 (8.67); B 8 + 2 × 0.5/0.75 = 28/3 (9.33); C 8; D, E 10.
    [
      '按满分计: D and E count as 100% and take part (min 0.25, max 1)',
      'full',
      districts,
      { A: Fraction.of(26, 3), B: Fraction.of(28, 3), C: f('8'), D: f('10'), E: f('10') },
    ],
    // A system stored before the rule existed scores the same way.
    [
      'no rule stored: as 按满分计',
      undefined,
      districts,
      { A: Fraction.of(26, 3), B: Fraction.of(28, 3), C: f('8'), D: f('10'), E: f('10') },
    ],
    // span 0.75: A 8 + 2 × 0.5/0.75 = 28/3 (9.33); B 10; C 8 + 2 × 0.25/0.75 = 26/3 (8.67); D, E 8.
    [
      '按0计: D and E count as 0% and take part (min 0, max 0.75)',
      'zero',
      districts,
      { A: Fraction.of(28, 3), B: f('10'), C: Fraction.of(26, 3), D: f('8'), E: f('8') },
    ],
    // Standards from A, B, C only: min 0.25, max 0.75, span 0.5:
    // A 8 + 2 × 0.25/0.5 = 9; B 10; C 8. Median of (8, 9, 10) = 9 → D 9, E 9.
    [
      '不参与该项、按中位数计: D and E are left out of the standards and get the median score of A, B, C',
      'median',
      districts,
      { A: f('9'), B: f('10'), C: f('8'), D: f('9'), E: f('9') },
    ],
    // A 0.5, B 0.75, C 0.25, F 0 take part: min 0, max 0.75 → A 28/3, B 10, C 26/3, F 8.
    // Sorted 8, 26/3, 28/3, 10: median (26/3 + 28/3) / 2 = 9 → D 9.
    [
      '不参与该项、按中位数计: with an even number taking part, the mean of the two middle scores',
      'median',
      withF,
      { A: Fraction.of(28, 3), B: f('10'), C: Fraction.of(26, 3), D: f('9'), F: f('8') },
    ],
    [
      '不参与该项、按中位数计: when no unit has anything due, everyone gets the top coefficient',
      'median',
      noneDue,
      { A: f('10'), B: f('10') },
    ],
  ] as const)('%s', (_name, rule, units, expected) => {
    expect(scoresOf(scoreUnits(rateSystem(rule), units()))).toEqual(expected);
  });

  it('不参与该项、按中位数计: the units left out share the median rank', () => {
    // Totals 9 10 8 9 9 → ranks B 1, A D E 2, C 5.
    const results = scoreUnits(rateSystem('median'), districts());
    expect(results.map((result) => result.rank)).toEqual([2, 1, 5, 2, 2]);
  });

  it('should refuse a rule it does not know', () => {
    const system = rateSystem();
    const bad = {
      ...system,
      indicators: [{ ...system.indicators[0], nothingDue: 'skip' as never }],
    };
    expect(() => scoreUnits(bad, districts())).toThrow('计分规则“skip”无效');
  });
});
