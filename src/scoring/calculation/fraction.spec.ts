import { Fraction } from './fraction.js';

const parts = (f: Fraction) => [f.numerator, f.denominator];

describe('Fraction', () => {
  it('should parse plain decimals exactly and normalise them', () => {
    // 92.35 = 9235/100 = 1847/20 (gcd 5); 007.50 = 750/100 = 15/2
    expect(parts(Fraction.parse('92.35'))).toEqual([1847n, 20n]);
    expect(parts(Fraction.parse('-3'))).toEqual([-3n, 1n]);
    expect(parts(Fraction.parse('0.1'))).toEqual([1n, 10n]);
    expect(parts(Fraction.parse('+5'))).toEqual([5n, 1n]);
    expect(parts(Fraction.parse('007.50'))).toEqual([15n, 2n]);
    expect(parts(Fraction.parse('-0.0'))).toEqual([0n, 1n]);
  });

  it('should refuse exponents and anything but plain decimal text', () => {
    for (const text of [
      '1e2',
      '',
      '.5',
      '5.',
      ' 1',
      '1 ',
      '1,000',
      'Infinity',
      'NaN',
      '--1',
      '0x10',
    ]) {
      expect(Fraction.tryParse(text)).toBeNull();
      expect(() => Fraction.parse(text)).toThrow(SyntaxError);
    }
  });

  it('should keep the denominator positive and reduced', () => {
    // 6/-4 = -3/2; 0/-5 = 0/1
    expect(parts(Fraction.of(6, -4))).toEqual([-3n, 2n]);
    expect(parts(Fraction.of(0n, -5n))).toEqual([0n, 1n]);
    expect(parts(Fraction.fromInteger(-7))).toEqual([-7n, 1n]);
    expect(() => Fraction.of(1, 0)).toThrow(RangeError);
    expect(() => Fraction.of(0.5, 1)).toThrow(RangeError);
  });

  it('should add, subtract, multiply and divide exactly', () => {
    const f = Fraction.parse;
    // 0.1 + 0.2 = 3/10 exactly (floats give 0.30000000000000004)
    expect(f('0.1').add(f('0.2')).equals(f('0.3'))).toBe(true);
    // 1/3 + 1/6 = 2/6 + 1/6 = 1/2
    expect(Fraction.of(1, 3).add(Fraction.of(1, 6)).toString()).toBe('1/2');
    // 1/2 − 3/4 = 2/4 − 3/4 = −1/4
    expect(Fraction.of(1, 2).sub(Fraction.of(3, 4)).toString()).toBe('-1/4');
    // 2/3 × 9/4 = 18/12 = 3/2
    expect(Fraction.of(2, 3).mul(Fraction.of(9, 4)).toString()).toBe('3/2');
    // (1/2) ÷ (1/4) = 2
    expect(Fraction.of(1, 2).div(Fraction.of(1, 4)).toString()).toBe('2');
    expect(() => Fraction.ONE.div(Fraction.ZERO)).toThrow(RangeError);
    // 0.1 + 0.2 + 0.3 = 0.6 = 3/5
    expect(Fraction.sum([f('0.1'), f('0.2'), f('0.3')]).toString()).toBe('3/5');
    expect(Fraction.sum([]).isZero()).toBe(true);
  });

  it('should compare exactly', () => {
    // 1/3 = 0.333… > 0.333
    expect(Fraction.of(1, 3).compare(Fraction.parse('0.333'))).toBe(1);
    expect(Fraction.parse('0.333').compare(Fraction.of(1, 3))).toBe(-1);
    expect(Fraction.parse('0.50').compare(Fraction.of(1, 2))).toBe(0);
    expect(Fraction.of(-1, 2).isNegative()).toBe(true);
    expect(Fraction.of(4, 2).isInteger()).toBe(true);
  });

  it('should give the nearest double, also when the parts are beyond 2^53', () => {
    expect(Fraction.of(1, 3).toNumber()).toBe(0.3333333333333333);
    expect(Fraction.parse('92.35').toNumber()).toBe(92.35);
    expect(Fraction.of(-7, 4).toNumber()).toBe(-1.75);
    // 10^30 / 3 = 3.333…e29
    expect(Fraction.of(10n ** 30n, 3n).toNumber()).toBe(3.3333333333333333e29);
    // 1 / (3 × 10^20) = 3.333…e-21
    expect(Fraction.of(1n, 3n * 10n ** 20n).toNumber()).toBe(3.3333333333333333e-21);
    // (2^60 + 1) / 2^60 = 1 + 2^-60, and the nearest double to that is 1
    expect(Fraction.of(2n ** 60n + 1n, 2n ** 60n).toNumber()).toBe(1);
    // −(10^25 + 1) / 10^25 ≈ −1.0000000000000000000000001 → −1
    expect(Fraction.of(-(10n ** 25n) - 1n, 10n ** 25n).toNumber()).toBe(-1);
    // (10^25 + 5×10^24) / 10^25 = 1.5 exactly
    expect(Fraction.of(10n ** 25n + 5n * 10n ** 24n, 10n ** 25n).toNumber()).toBe(1.5);
  });

  it('should round half up on the exact value for display', () => {
    // 1.005 is exactly halfway: 1.01 (the double 1.005 is 1.00499…, so (1.005).toFixed(2) is "1.00")
    expect(Fraction.parse('1.005').toFixed(2)).toBe('1.01');
    expect(Fraction.of(2, 3).toFixed(2)).toBe('0.67');
    expect(Fraction.of(1, 3).toFixed(2)).toBe('0.33');
    expect(Fraction.parse('0.005').toFixed(2)).toBe('0.01');
    expect(Fraction.parse('0.004').toFixed(2)).toBe('0.00');
    expect(Fraction.parse('-2.345').toFixed(2)).toBe('-2.35');
    expect(Fraction.parse('-0.001').toFixed(2)).toBe('0.00');
    expect(Fraction.parse('12.5').toFixed(0)).toBe('13');
    expect(Fraction.fromInteger(7).toFixed(3)).toBe('7.000');
    expect(() => Fraction.ONE.toFixed(-1)).toThrow(RangeError);
  });

  it('should print exact text', () => {
    expect(Fraction.of(-3, 2).toString()).toBe('-3/2');
    expect(Fraction.fromInteger(5).toString()).toBe('5');
  });
});
