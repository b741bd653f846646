import {
  assignBands,
  bandsUndivided,
  colorName,
  DEFAULT_BAND_CONFIG,
  undividedNote,
  validateBandConfig,
} from './bands.js';
import { rankOf } from './efficacy.js';
import type { BandConfig } from './bands.js';
import { Fraction } from './fraction.js';

const f = Fraction.parse;

function thresholds(...minScores: (string | undefined)[]): BandConfig {
  return {
    mode: 'score_threshold',
    bands: DEFAULT_BAND_CONFIG.bands.map((band, i) => ({ ...band, minScore: minScores[i] })),
  };
}

describe('assignBands: rank quintiles', () => {
  it('should split 41 distinct ranks 9/8/8/8/8', () => {
    // band = floor((rank − 1) × 5 / 41):
    //   rank  9 → 40/41 → 0;  rank 10 → 45/41 → 1   (band 0: ranks 1–9, 9 units)
    //   rank 17 → 80/41 → 1;  rank 18 → 85/41 → 2   (band 1: ranks 10–17, 8 units)
    //   rank 25 → 120/41 → 2; rank 26 → 125/41 → 3  (band 2: ranks 18–25, 8 units)
    //   rank 33 → 160/41 → 3; rank 34 → 165/41 → 4  (band 3: ranks 26–33, 8 units)
    //   rank 41 → 200/41 → 4                        (band 4: ranks 34–41, 8 units)
    const ranks = Array.from({ length: 41 }, (_, i) => i + 1);
    const totals = ranks.map((rank) => Fraction.fromInteger(100 - rank));
    const bands = assignBands(totals, ranks, DEFAULT_BAND_CONFIG);
    const sizes = [0, 1, 2, 3, 4].map((band) => bands.filter((b) => b === band).length);
    expect(sizes).toEqual([9, 8, 8, 8, 8]);
    expect([bands[8], bands[9], bands[24], bands[25], bands[32], bands[33]]).toEqual([
      0, 1, 2, 3, 3, 4,
    ]);
  });

  it('should keep tied units in one band', () => {
    // 41 units where the 9th and 10th tie at rank 9: both floor(8 × 5 / 41) = 0, so band 0 holds 10
    const ranks = Array.from({ length: 41 }, (_, i) => (i === 9 ? 9 : i + 1));
    const totals = ranks.map((rank) => Fraction.fromInteger(100 - rank));
    const bands = assignBands(totals, ranks, DEFAULT_BAND_CONFIG);
    expect([0, 1, 2, 3, 4].map((band) => bands.filter((b) => b === band).length)).toEqual([
      10, 7, 8, 8, 8,
    ]);
    // five units, three tied first: floor(0) = 0 three times; rank 4 → floor(15/5) = 3; rank 5 → 4
    expect(
      assignBands(['9', '9', '9', '5', '1'].map(f), [1, 1, 1, 4, 5], DEFAULT_BAND_CONFIG),
    ).toEqual([0, 0, 0, 3, 4]);
  });

  it('should refuse ranks outside 1..n and lists of different length', () => {
    expect(() => assignBands([f('1')], [2], DEFAULT_BAND_CONFIG)).toThrow(RangeError);
    expect(() => assignBands([f('1')], [1, 2], DEFAULT_BAND_CONFIG)).toThrow('differ in length');
  });
});

describe('assignBands: score thresholds', () => {
  it('should put each total in the first band whose minimum it reaches', () => {
    const config = thresholds('90', '80', '70', '60', '0');
    // 95, 90 ≥ 90 → 0; 89.99, 80 → 1; 70 exactly → 2; 60 → 3; 59.99, 0 → 4;
    // 270 × 1/3 = 90 exactly → 0
    const totals = ['95', '90', '89.99', '80', '70', '60', '59.99', '0'].map(f);
    totals.push(Fraction.of(270, 3));
    expect(assignBands(totals, [1, 1, 3, 4, 5, 6, 7, 8, 1], config)).toEqual([
      0, 0, 1, 1, 2, 3, 4, 4, 0,
    ]);
  });
});

describe('validateBandConfig', () => {
  it('should accept the defaults and sound thresholds', () => {
    expect(validateBandConfig(DEFAULT_BAND_CONFIG)).toEqual([]);
    expect(validateBandConfig(thresholds('90', '85.5', '70', '60', '0'))).toEqual([]);
  });

  it('should name wrong band counts, names and colours', () => {
    const config: BandConfig = {
      mode: 'rank_quintile',
      bands: [
        { name: '优', color: '#d7191c' },
        { name: ' ', color: 'red' },
        { name: '优', color: '#fff' },
        { name: '差', color: '#2C7BB6' },
      ],
    };
    expect(validateBandConfig(config)).toEqual([
      '五色图须正好 5 档，现有 4 档',
      '第 2 档的名称为空',
      '第 2 档的颜色“red”须为 #RRGGBB 形式的十六进制颜色',
      '第 3 档的名称“优”与前面的档重复',
      '第 3 档的颜色“#fff”须为 #RRGGBB 形式的十六进制颜色',
    ]);
  });

  it('should name thresholds that are missing, not decreasing or do not end at 0', () => {
    expect(validateBandConfig(thresholds('90', '90', '95', 'abc', '10'))).toEqual([
      '第 2 档的最低分须低于上一档的最低分',
      '第 3 档的最低分须低于上一档的最低分',
      '第 4 档须填写最低分（数字）',
      '最后一档的最低分须为 0，才能覆盖所有得分',
    ]);
    expect(validateBandConfig(thresholds('90', undefined, '50', '10', '-1'))).toEqual([
      '第 2 档须填写最低分（数字）',
      '第 5 档的最低分不能为负',
      '最后一档的最低分须为 0，才能覆盖所有得分',
    ]);
    expect(() => assignBands([f('1')], [1], thresholds('90', '80', '70', '60', '5'))).toThrow(
      '五色图设置有误：最后一档的最低分须为 0，才能覆盖所有得分',
    );
  });
});

describe('colorName', () => {
  it('should name the default colours in Chinese', () => {
    expect(DEFAULT_BAND_CONFIG.bands.map((band) => colorName(band.color))).toEqual([
      '红',
      '橙',
      '黄',
      '绿',
      '蓝',
    ]);
    expect(DEFAULT_BAND_CONFIG.bands.map((band) => band.name)).toEqual([
      '第一档',
      '第二档',
      '第三档',
      '第四档',
      '第五档',
    ]);
    expect(colorName('#D7191C')).toBe('红');
    expect(colorName('#123456')).toBeUndefined();
  });
});

describe('the tie rule (bandsUndivided)', () => {
  it('should give tied units the band of their shared rank, worked by hand for ten units', () => {
    // Totals 9 9 9 8 8 7 6 5 5 4 → competition ranks 1 1 1 4 4 6 7 8 8 10 (rankOf).
    // band = floor((rank − 1) × 5 / 10) = floor((rank − 1) / 2):
    //   rank 1 → 0; rank 4 → 1; rank 6 → 2; rank 7 → 3; rank 8 → 3; rank 10 → 4.
    const totals = [9, 9, 9, 8, 8, 7, 6, 5, 5, 4].map((value) => Fraction.fromInteger(value));
    const ranks = rankOf(totals);
    expect(ranks).toEqual([1, 1, 1, 4, 4, 6, 7, 8, 8, 10]);
    expect(assignBands(totals, ranks, DEFAULT_BAND_CONFIG)).toEqual([0, 0, 0, 1, 1, 2, 3, 3, 3, 4]);
    expect(bandsUndivided(totals, DEFAULT_BAND_CONFIG)).toBe(false);
  });

  it('should band no one when every unit has the same total, and say so', () => {
    // 41 districts all at 92 (exactly: 0.1 + 0.2 ties with 0.3 as well).
    const equal = Array.from({ length: 41 }, () => f('92'));
    expect(bandsUndivided(equal, DEFAULT_BAND_CONFIG)).toBe(true);
    expect(bandsUndivided([f('0.1').add(f('0.2')), f('0.3')], DEFAULT_BAND_CONFIG)).toBe(true);
    expect(undividedNote('区县')).toBe('各区县得分相同，不分档');
    // One different total is a ranking: 40 at 92 share rank 1 (band 0), the 41st is rank 41 (band 4).
    const oneApart = [...equal.slice(1), f('91')];
    expect(bandsUndivided(oneApart, DEFAULT_BAND_CONFIG)).toBe(false);
    // A single unit, and score thresholds (absolute), always band.
    expect(bandsUndivided([f('92')], DEFAULT_BAND_CONFIG)).toBe(false);
    expect(bandsUndivided(equal, thresholds('90', '80', '70', '60', '0'))).toBe(false);
  });
});
