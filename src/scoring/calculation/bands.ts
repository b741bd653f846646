/** 五色图: every unit falls in one of five bands, by rank quintile (default) or by score thresholds. */
import { Fraction } from './fraction.js';

export interface Band {
  name: string;
  /** CSS hex colour, #rrggbb. */
  color: string;
  /** Threshold mode only: inclusive lower bound of the band's totals, as decimal text. */
  minScore?: string;
}

export interface BandConfig {
  mode: 'rank_quintile' | 'score_threshold';
  /** Exactly five, best first. */
  bands: Band[];
}

export const BAND_COUNT = 5;

/**
 * The default palette keeps the names 红/橙/黄/绿/蓝 but steps its lightness from dark to light
 * (CIELAB L* 34, 54, 75, 81, 89), so the five bands stay apart for red-green colour-blind readers
 * and on a grey printout (band-colours.spec.ts simulates deuteranopia). Tiles and bars also carry
 * the band's number.
 */
export const DEFAULT_BAND_COLORS = ['#9c1c24', '#d35c17', '#e0b406', '#a5d4a5', '#d0e0f1'] as const;

/**
 * The palette before the lightness steps: red and green both turned olive for deuteranopes.
 * Reports frozen with it show the new colour of the same name (the settings are migrated).
 */
export const LEGACY_BAND_COLORS = ['#d7191c', '#fdae61', '#ffd84d', '#1a9641', '#2c7bb6'] as const;

const NAMES = ['红', '橙', '黄', '绿', '蓝'];
const COLOR_NAMES: Readonly<Record<string, string>> = Object.fromEntries(
  [...DEFAULT_BAND_COLORS, ...LEGACY_BAND_COLORS].map((color, index): [string, string] => [
    color,
    NAMES[index % NAMES.length],
  ]),
);

export const DEFAULT_BAND_CONFIG: BandConfig = {
  mode: 'rank_quintile',
  bands: [
    { name: '第一档', color: DEFAULT_BAND_COLORS[0] },
    { name: '第二档', color: DEFAULT_BAND_COLORS[1] },
    { name: '第三档', color: DEFAULT_BAND_COLORS[2] },
    { name: '第四档', color: DEFAULT_BAND_COLORS[3] },
    { name: '第五档', color: DEFAULT_BAND_COLORS[4] },
  ],
};

/** Chinese name of one of the default colours (红/橙/黄/绿/蓝), undefined for any other colour. */
export function colorName(color: string): string | undefined {
  const key = color.toLowerCase();
  return Object.hasOwn(COLOR_NAMES, key) ? COLOR_NAMES[key] : undefined;
}

/** The colour a band is drawn in: a legacy default colour shows as the new default of its name. */
export function displayColor(color: string): string {
  const legacy = (LEGACY_BAND_COLORS as readonly string[]).indexOf(color.toLowerCase());
  return legacy >= 0 ? DEFAULT_BAND_COLORS[legacy] : color;
}

/**
 * The band's number as tiles, bars and tables print it beside the colour: 1 … 5 (Arabic digits:
 * in a small badge 一 and 二 read as a dash and an equals sign).
 */
export function bandNumeral(band: number): string {
  return String(band + 1);
}

/**
 * Dark or light text on a band colour: whichever contrasts more (WCAG relative luminance) with
 * #111111 or #ffffff, so a custom colour the office picks stays readable.
 */
export function inkOn(color: string): 'dark' | 'light' {
  const channel = (offset: number) => {
    const value = parseInt(color.slice(offset, offset + 2), 16) / 255;
    return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  if (!/^#[0-9a-fA-F]{6}$/.test(color)) {
    return 'dark';
  }
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  const dark = 0.0056; // relative luminance of #111111
  return (luminance + 0.05) / (dark + 0.05) >= 1.05 / (luminance + 0.05) ? 'dark' : 'light';
}

/** Problems of a band configuration, in Chinese; empty when it can be used. */
export function validateBandConfig(config: BandConfig): string[] {
  const errors: string[] = [];
  if (config.bands.length !== BAND_COUNT) {
    errors.push(`五色图须正好 ${BAND_COUNT} 档，现有 ${config.bands.length} 档`);
  }
  const names = new Set<string>();
  config.bands.forEach((band, i) => {
    const label = `第 ${i + 1} 档`;
    const name = band.name.trim();
    if (name === '') {
      errors.push(`${label}的名称为空`);
    } else if (names.has(name)) {
      errors.push(`${label}的名称“${name}”与前面的档重复`);
    }
    names.add(name);
    if (!/^#[0-9a-fA-F]{6}$/.test(band.color)) {
      errors.push(`${label}的颜色“${band.color}”须为 #RRGGBB 形式的十六进制颜色`);
    }
  });
  if (config.mode === 'score_threshold') {
    errors.push(...checkThresholds(config.bands));
  }
  return errors;
}

/**
 * Thresholds are lower bounds, best band first, strictly decreasing and ending at 0: every total
 * (never below 0) then falls in exactly one band, with no gap and no overlap.
 */
function checkThresholds(bands: Band[]): string[] {
  const errors: string[] = [];
  let previous: Fraction | null = null;
  bands.forEach((band, i) => {
    const label = `第 ${i + 1} 档`;
    const min = band.minScore === undefined ? null : Fraction.tryParse(band.minScore.trim());
    if (min === null) {
      errors.push(`${label}须填写最低分（数字）`);
      previous = null;
      return;
    }
    if (min.isNegative()) {
      errors.push(`${label}的最低分不能为负`);
    }
    if (previous !== null && min.compare(previous) >= 0) {
      errors.push(`${label}的最低分须低于上一档的最低分`);
    }
    if (i === bands.length - 1 && !min.isZero()) {
      errors.push(`最后一档的最低分须为 0，才能覆盖所有得分`);
    }
    previous = min;
  });
  return errors;
}

/**
 * The tie rule of the five-colour chart (DESIGN §4), with rank quintiles: units with equal totals
 * share a rank (competition ranking 1, 2, 2, 4) and so share the band of that rank; when every
 * unit has the same total there is no ranking to show, and the chart says
 * 「各区县得分相同，不分档」 instead of colouring them all 第一档. This answers whether that is the
 * case: two or more units, rank quintiles, one total. Score thresholds are absolute (a unit's
 * band does not depend on the others), so they always band.
 */
export function bandsUndivided(totals: readonly Fraction[], config: BandConfig): boolean {
  return (
    config.mode === 'rank_quintile' &&
    totals.length >= 2 &&
    totals.every((total) => total.equals(totals[0]))
  );
}

/** What a page says instead of the bands when bandsUndivided: 各区县得分相同，不分档. */
export function undividedNote(subjects: string): string {
  return `各${subjects}得分相同，不分档`;
}

/**
 * 0-based band index per unit. Rank quintiles use floor((rank − 1) × 5 / n), so tied units share
 * the band of their shared rank and 41 units split 9/8/8/8/8; thresholds give the first band
 * whose minScore ≤ total. (When bandsUndivided, pages show no band whatever this returns.)
 * Throws when the configuration is invalid or the lists differ in length.
 */
export function assignBands(totals: Fraction[], ranks: number[], config: BandConfig): number[] {
  const errors = validateBandConfig(config);
  if (errors.length > 0) {
    throw new Error(`五色图设置有误：${errors.join('；')}`);
  }
  if (totals.length !== ranks.length) {
    throw new Error(`totals (${totals.length}) and ranks (${ranks.length}) differ in length`);
  }
  const n = totals.length;
  if (config.mode === 'rank_quintile') {
    return ranks.map((rank) => {
      if (!Number.isInteger(rank) || rank < 1 || rank > n) {
        throw new RangeError(`Rank ${rank} outside 1..${n}`);
      }
      return Math.floor(((rank - 1) * BAND_COUNT) / n);
    });
  }
  const minima = config.bands.map((band) => Fraction.parse((band.minScore ?? '').trim()));
  return totals.map((total) => {
    const index = minima.findIndex((min) => total.compare(min) >= 0);
    // Only a negative total misses every band; totals are floored at 0, but stay total anyway.
    return index === -1 ? BAND_COUNT - 1 : index;
  });
}
