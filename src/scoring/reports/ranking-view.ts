import type { BandConfig } from '../calculation/bands.js';
import {
  bandNumeral,
  bandsUndivided,
  colorName,
  displayColor,
  inkOn,
} from '../calculation/bands.js';
import { Fraction } from '../calculation/fraction.js';
import { nothingDueRuleOf } from '../calculation/indicator-catalogue.js';
import {
  isRateCode,
  NOTHING_DUE_EXPLANATIONS,
  NOTHING_DUE_LABELS,
  type IndicatorSystemDefinition,
} from '../calculation/indicator-system.js';

/** One scored subject, exact, as a report snapshot or a what-if run gives it. */
export interface ScoredSubject {
  name: string;
  href?: string;
  raw: Record<string, Fraction>;
  scores: Record<string, Fraction>;
  firstLevels: Record<string, Fraction>;
  deductions: Fraction;
  total: Fraction;
  rank: number;
  band: number;
  highlight?: boolean;
  /** Rate codes the subject had nothing due for (0/0), scored by the system's 0/0 rule. */
  nothingDue?: readonly string[];
}

/** How a raw value of nothing due (0/0) reads in tables. */
export const NOTHING_DUE_RAW = '0/0';

/** Rates (codes ending in _rate) read as percentages; other raw values as numbers. */
export function rawDisplay(code: string, value: Fraction): string {
  if (isRateCode(code)) {
    return `${value.mul(Fraction.of(100)).toFixed(1)}%`;
  }
  return trimZeros(value.toFixed(2));
}

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** What a unit shows instead of a band when every unit scored the same (bandsUndivided). */
export const NO_BAND_VIEW = {
  index: 'none',
  name: '不分档',
  color: '#d9d9d9',
  colorName: '',
  numeral: '',
  ink: 'dark',
} as const;

export type BandView = ReturnType<typeof bandView> | typeof NO_BAND_VIEW;

/** A band as pages draw it (colour, text colour on it, number 1 … 5); `undivided` (every total equal) gives NO_BAND_VIEW. */
export function bandView(config: BandConfig, band: number, undivided = false) {
  if (undivided) {
    return NO_BAND_VIEW;
  }
  const chosen = config.bands[band];
  const color = displayColor(chosen.color);
  return {
    index: band,
    name: chosen.name,
    color,
    colorName: colorName(chosen.color) ?? '',
    numeral: bandNumeral(band),
    ink: inkOn(color),
  };
}

/**
 * The ranking table every report, what-if run and cockpit shows: one column pair (raw value,
 * score) per indicator in play, deductions, total, rank and band — scores to 2 decimals.
 */
export function rankingView(
  system: IndicatorSystemDefinition,
  bandConfig: BandConfig,
  subjects: ScoredSubject[],
) {
  const inPlay = system.indicators.filter((indicator) =>
    subjects.some((subject) => indicator.code in subject.raw),
  );
  const scored = inPlay.filter((indicator) => indicator.method.kind !== 'deduction');
  const deductions = inPlay.filter((indicator) => indicator.method.kind === 'deduction');
  // When every subject has the same raw value the method gives everyone the indicator's top
  // coefficient (DESIGN §4): the page says so, or a column of full marks for 0 looks wrong.
  // A rate with units of nothing due scored other than as 100% is explained by the 0/0 note.
  const uniform = scored.flatMap((indicator) => {
    if (
      nothingDueRuleOf(system.kind, indicator) !== 'full' &&
      subjects.some((subject) => subject.nothingDue?.includes(indicator.code))
    ) {
      return [];
    }
    const values = subjects.map((subject) => subject.raw[indicator.code]);
    const first = values[0];
    return subjects.length > 1 &&
      first !== undefined &&
      values.every((value) => value?.equals(first))
      ? [{ name: indicator.name, value: rawDisplay(indicator.code, first) }]
      : [];
  });
  // The tie rule: equal totals share the band of their shared rank; all equal → no bands.
  const undivided = bandsUndivided(
    subjects.map((subject) => subject.total),
    bandConfig,
  );
  // The 0/0 rule of each rate in play, with the subjects it scored (the report names them).
  const nothingDue = scored.flatMap((indicator) => {
    const rule = nothingDueRuleOf(system.kind, indicator);
    const names = subjects
      .filter((subject) => subject.nothingDue?.includes(indicator.code))
      .map((subject) => subject.name);
    return rule === undefined || names.length === 0
      ? []
      : [
          {
            code: indicator.code,
            name: indicator.name,
            rule: NOTHING_DUE_LABELS[rule],
            explanation: NOTHING_DUE_EXPLANATIONS[rule],
            subjects: names,
          },
        ];
  });
  return {
    uniform,
    undivided,
    nothingDue,
    columns: scored.map((indicator) => ({
      code: indicator.code,
      name: indicator.name,
      points: indicator.points,
      firstLevel: system.firstLevels.find((level) => level.code === indicator.firstLevel)?.name,
    })),
    deductionColumns: deductions.map((indicator) => ({
      code: indicator.code,
      name: indicator.name,
    })),
    bands: undivided
      ? []
      : bandConfig.bands.map((_band, index) => ({
          ...bandView(bandConfig, index),
          count: subjects.filter((subject) => subject.band === index).length,
        })),
    rows: [...subjects]
      .sort((a, b) => a.rank - b.rank)
      .map((subject) => ({
        name: subject.name,
        href: subject.href,
        highlight: subject.highlight ?? false,
        rank: subject.rank,
        band: bandView(bandConfig, subject.band, undivided),
        cells: scored.map((indicator) => ({
          raw: subject.nothingDue?.includes(indicator.code)
            ? NOTHING_DUE_RAW
            : subject.raw[indicator.code]
              ? rawDisplay(indicator.code, subject.raw[indicator.code])
              : '—',
          score: subject.scores[indicator.code]?.toFixed(2) ?? '—',
          // For Excel: the raw value as a number (a rate as a fraction, 0.25 for 25%); 0/0 as text.
          value: subject.nothingDue?.includes(indicator.code)
            ? NOTHING_DUE_RAW
            : subject.raw[indicator.code]?.toNumber(),
          rate: isRateCode(indicator.code),
        })),
        deductionCells: deductions.map((indicator) => ({
          value: subject.raw[indicator.code]?.toNumber() ?? 0,
          count: subject.raw[indicator.code]
            ? trimZeros(subject.raw[indicator.code].toFixed(2))
            : '0',
          amount: subject.scores[indicator.code]?.neg().toFixed(2) ?? '0.00',
        })),
        deductions: subject.deductions.toFixed(2),
        total: subject.total.toFixed(2),
      })),
  };
}
