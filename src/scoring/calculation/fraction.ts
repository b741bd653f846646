/**
 * Exact rational numbers on bigint, so scores, totals and ranks never depend on float rounding
 * (0.1 + 0.2 equals 0.3 here). Always normalised: gcd(numerator, denominator) = 1, denominator > 0.
 */
export class Fraction {
  static readonly ZERO = new Fraction(0n, 1n);
  static readonly ONE = new Fraction(1n, 1n);

  private constructor(
    readonly numerator: bigint,
    readonly denominator: bigint,
  ) {}

  /** n / d, normalised; throws when d is 0 or a number argument is not a safe integer. */
  static of(n: bigint | number, d: bigint | number = 1n): Fraction {
    const num = toBigInt(n);
    const den = toBigInt(d);
    if (den === 0n) {
      throw new RangeError('Fraction denominator is 0');
    }
    const sign = den < 0n ? -1n : 1n;
    const g = gcd(abs(num), abs(den));
    return new Fraction((sign * num) / g, (sign * den) / g);
  }

  static fromInteger(n: bigint | number): Fraction {
    return new Fraction(toBigInt(n), 1n);
  }

  /**
   * Plain decimal text only: optional sign, digits, optional fraction part ("92.35", "-3", "0.1").
   * Exponents, "Infinity", ".5", "5." and surrounding spaces are refused.
   */
  static parse(text: string): Fraction {
    const parsed = Fraction.tryParse(text);
    if (parsed === null) {
      throw new SyntaxError(`Not a decimal number: ${JSON.stringify(text.slice(0, 40))}`);
    }
    return parsed;
  }

  /** Like parse, but null instead of an exception. */
  static tryParse(text: string): Fraction | null {
    const match = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(text);
    if (match === null) {
      return null;
    }
    const [, sign, whole, decimals = ''] = match;
    const magnitude = BigInt(whole + decimals);
    return Fraction.of(sign === '-' ? -magnitude : magnitude, 10n ** BigInt(decimals.length));
  }

  static sum(values: Iterable<Fraction>): Fraction {
    let total = Fraction.ZERO;
    for (const value of values) {
      total = total.add(value);
    }
    return total;
  }

  add(other: Fraction): Fraction {
    return Fraction.of(
      this.numerator * other.denominator + other.numerator * this.denominator,
      this.denominator * other.denominator,
    );
  }

  sub(other: Fraction): Fraction {
    return this.add(other.neg());
  }

  mul(other: Fraction): Fraction {
    return Fraction.of(this.numerator * other.numerator, this.denominator * other.denominator);
  }

  /** Throws RangeError when other is 0. */
  div(other: Fraction): Fraction {
    if (other.numerator === 0n) {
      throw new RangeError('Division by zero');
    }
    return Fraction.of(this.numerator * other.denominator, this.denominator * other.numerator);
  }

  neg(): Fraction {
    return new Fraction(-this.numerator, this.denominator);
  }

  /** -1, 0 or 1 as this is less than, equal to or greater than other. */
  compare(other: Fraction): -1 | 0 | 1 {
    const left = this.numerator * other.denominator;
    const right = other.numerator * this.denominator;
    return left < right ? -1 : left > right ? 1 : 0;
  }

  equals(other: Fraction): boolean {
    return this.numerator === other.numerator && this.denominator === other.denominator;
  }

  isZero(): boolean {
    return this.numerator === 0n;
  }

  isNegative(): boolean {
    return this.numerator < 0n;
  }

  isInteger(): boolean {
    return this.denominator === 1n;
  }

  /** The nearest double (to about 20 significant digits when the parts exceed 2^53). */
  toNumber(): number {
    const n = this.numerator;
    const d = this.denominator;
    if (isSafe(n) && isSafe(d)) {
      // Both exact as doubles, and IEEE division rounds correctly.
      return Number(n) / Number(d);
    }
    // Scale so the integer quotient has at least 20 significant digits, then let the decimal
    // parser round: |n/d| ≈ q × 10^-scale.
    const scale = 21 - (digitCount(abs(n)) - digitCount(d));
    const q =
      scale >= 0 ? (abs(n) * 10n ** BigInt(scale)) / d : abs(n) / (d * 10n ** BigInt(-scale));
    const magnitude = Number(`${q}e${-scale}`);
    return n < 0n ? -magnitude : magnitude;
  }

  /**
   * Fixed-point text with `digits` decimals, rounding the exact value half away from zero
   * (half up for the non-negative scores this is used for): 2.345 → "2.35", -2.345 → "-2.35".
   */
  toFixed(digits: number): string {
    if (!Number.isInteger(digits) || digits < 0 || digits > 100) {
      throw new RangeError(`Bad number of digits: ${digits}`);
    }
    const scaled = abs(this.numerator) * 10n ** BigInt(digits);
    let q = scaled / this.denominator;
    if (2n * (scaled % this.denominator) >= this.denominator) {
      q += 1n;
    }
    const text = q.toString().padStart(digits + 1, '0');
    const body = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
    return this.numerator < 0n && q !== 0n ? `-${body}` : body;
  }

  /** "n" or "n/d": exact, for messages and debugging. */
  toString(): string {
    return this.denominator === 1n
      ? this.numerator.toString()
      : `${this.numerator}/${this.denominator}`;
  }
}

function toBigInt(value: bigint | number): bigint {
  if (typeof value === 'bigint') {
    return value;
  }
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`Not a safe integer: ${value}`);
  }
  return BigInt(value);
}

function abs(value: bigint): bigint {
  return value < 0n ? -value : value;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) {
    [a, b] = [b, a % b];
  }
  return a === 0n ? 1n : a;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function isSafe(value: bigint): boolean {
  return value <= MAX_SAFE && value >= -MAX_SAFE;
}

function digitCount(value: bigint): number {
  return value === 0n ? 1 : value.toString().length;
}
