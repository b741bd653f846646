import { buildBriefing, type BriefingBand, type BriefingInput } from './report-briefing.js';

const band = (index: number): BriefingBand => ({
  index,
  name: `第${'一二三四五'[index]}档`,
  color: ['#9c1c24', '#d35c17', '#e0b406', '#a5d4a5', '#d0e0f1'][index],
  colorName: '红橙黄绿蓝'[index],
  numeral: String(index + 1),
  ink: index === 0 ? 'light' : 'dark',
});

/** Five districts: 甲 and 乙 swap places, 丙 stays, 丁 falls two, 戊 is new this period. */
const input = (previous: boolean): BriefingInput => ({
  title: '区县改革综合指数简报·2026年第三季度',
  kindLabel: '区县改革综合指数',
  periodLabel: '2026年第三季度',
  subjectLabel: '区县',
  generatedAt: '2026-10-08 09:00',
  asOf: '2026-09-30',
  systemLabel: '第 1 版指标体系',
  bands: [0, 1, 2, 3, 4].map(band),
  subjects: [
    { key: '2', name: '乙', rank: 1, total: '90.00', band: band(0) },
    { key: '1', name: '甲', rank: 2, total: '85.00', band: band(1) },
    { key: '3', name: '丙', rank: 3, total: '80.00', band: band(2) },
    { key: '5', name: '戊', rank: 4, total: '75.00', band: band(3) },
    { key: '4', name: '丁', rank: 5, total: '70.00', band: band(4) },
  ],
  previous: previous
    ? {
        periodLabel: '2026年第二季度',
        ranks: new Map([
          ['1', 1],
          ['2', 2],
          ['3', 3],
          ['4', 3],
        ]),
      }
    : undefined,
});

describe('buildBriefing', () => {
  it('should give each subject its change of rank against the previous report', () => {
    const briefing = buildBriefing(input(true));
    expect(
      briefing.rows.map((row) => [row.name, row.previousRank, row.change, row.changeLabel]),
    ).toEqual([
      ['乙', 2, 1, '↑1'],
      ['甲', 1, -1, '↓1'],
      ['丙', 3, 0, '持平'],
      ['戊', null, null, '新列入'],
      ['丁', 3, -2, '↓2'],
    ]);
    // Falls listed biggest first: 丁 (2 places) before 甲 (1).
    expect(briefing.changes.down.map((row) => row.name)).toEqual(['丁', '甲']);
    expect(briefing.changes.up.map((row) => row.name)).toEqual(['乙']);
    expect(briefing.changes.added.map((row) => row.name)).toEqual(['戊']);
    expect(briefing.changes.moved.map((row) => row.name)).toEqual(['乙', '甲', '丁']);
    expect(briefing.changes.summary).toBe(
      '与2026年第二季度相比，1 个区县排名上升，2 个下降，1 个持平，1 个为新列入。' +
        '上升较多的：乙（第2→第1名，上升1位）。' +
        '下降较多的：丁（第3→第5名，下降2位）、甲（第1→第2名，下降1位）。',
    );
  });

  it('should group the subjects of the 五色图 by band in rank order', () => {
    const briefing = buildBriefing(input(true));
    expect(briefing.bands.map((entry) => entry.subjects.map((row) => row.name))).toEqual([
      ['乙'],
      ['甲'],
      ['丙'],
      ['戊'],
      ['丁'],
    ]);
  });

  it('should say so when there is no previous report, with no change column', () => {
    const briefing = buildBriefing(input(false));
    expect(briefing.rows.every((row) => row.changeLabel === '—')).toBe(true);
    expect(briefing.changes.summary).toBe(
      '本期为首次生成的区县改革综合指数报表，暂无上期排名可比。',
    );
    expect(briefing.changes.previousPeriodLabel).toBeNull();
  });
});
