/**
 * Target and progress values have at most two decimals; they are added and compared as integer
 * hundredths so 0.1 + 0.2 equals 0.3 and a month-sum check never fails on float drift.
 */
export type Cents = bigint;

const DECIMAL = /^(-?)(\d{1,13})(?:\.(\d{1,2}))?$/;

/** "12.5" → 1250n; anything else (empty, three decimals, letters, full-width digits) → undefined. */
export function parseCents(value: string): Cents | undefined {
  const match = DECIMAL.exec(value.trim().replace(/,/g, ''));
  if (!match) {
    return undefined;
  }
  const [, sign, whole, fraction = ''] = match;
  const cents = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
  return sign === '-' ? -cents : cents;
}

/** Cents as the decimal text PostgreSQL numeric accepts. */
export function centsToDecimal(cents: Cents): string {
  const negative = cents < 0n;
  const absolute = negative ? -cents : cents;
  return `${negative ? '-' : ''}${absolute / 100n}.${String(absolute % 100n).padStart(2, '0')}`;
}
