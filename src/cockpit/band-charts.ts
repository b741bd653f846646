import {
  assignBands,
  bandsUndivided,
  undividedNote,
  type BandConfig,
} from '../scoring/calculation/bands.js';
import { rankOf } from '../scoring/calculation/efficacy.js';
import type { Fraction } from '../scoring/calculation/fraction.js';
import { bandView } from '../scoring/reports/ranking-view.js';

/** One subject (a district or a project) with a score on the chart. */
export interface ChartSubject {
  key: string;
  name: string;
  score: Fraction;
  href: string;
  highlight: boolean;
}

/**
 * A five-colour chart: the subjects ranked by one score, each in a band. For the total the band
 * settings apply as configured; for a first-level index (改革落实力, 品牌显示度) the bands are rank
 * quintiles with the configured names and colours, since score thresholds are set for totals.
 * Ties follow the report's rule (bandsUndivided): equal scores share the band of their shared
 * rank, and when every subject scores the same no one is coloured and the chart says so.
 */
export function bandChart(
  id: string,
  title: string,
  subjects: ChartSubject[],
  config: BandConfig,
  options: { total: boolean; subjects?: string },
) {
  const scores = subjects.map((subject) => subject.score);
  const ranks = rankOf(scores);
  const effective: BandConfig = options.total ? config : { ...config, mode: 'rank_quintile' };
  const bands = assignBands(scores, ranks, effective);
  const undivided = bandsUndivided(scores, effective);
  const tiles = subjects
    .map((subject, index) => ({
      ...subject,
      score: subject.score.toFixed(2),
      value: subject.score.toNumber(),
      rank: ranks[index],
      band: bandView(config, bands[index], undivided),
    }))
    .sort((a, b) => a.rank - b.rank || a.name.localeCompare(b.name, 'zh-CN'));
  return {
    id,
    title,
    tiles,
    undividedNote: undivided ? undividedNote(options.subjects ?? '区县') : undefined,
    legend: undivided
      ? []
      : config.bands.map((_band, index) => ({
          ...bandView(config, index),
          count: bands.filter((value) => value === index).length,
        })),
    chart: {
      labels: tiles.map((tile) => tile.name),
      values: tiles.map((tile) => tile.value),
      colors: tiles.map((tile) => tile.band.color),
      bandNames: tiles.map((tile) => tile.band.name),
      numerals: tiles.map((tile) => tile.band.numeral),
      highlight: tiles.map((tile) => tile.highlight),
    },
  };
}
