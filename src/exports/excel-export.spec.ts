import { dateRangeLabel, safeCellText, titleLines } from './excel-export.js';

describe('safeCellText (no formula can start a cell)', () => {
  it.each([
    ['=HYPERLINK("http://x","y")', `'=HYPERLINK("http://x","y")`],
    ['+1', `'+1`],
    ['-2', `'-2`],
    ['@cmd', `'@cmd`],
    ['\tx', `'\tx`],
    ['\rx', `'\rx`],
    ['＝1+1', `'＝1+1`],
    ['＋1', `'＋1`],
    ['建立“一件事一次办”机制', '建立“一件事一次办”机制'],
    ['a=b', 'a=b'],
    ['', ''],
  ])('%j becomes %j', (input, expected) => {
    expect(safeCellText(input)).toBe(expected);
  });
});

describe('titleLines (the block above an export header)', () => {
  const at = new Date('2026-12-06T16:30:00Z'); // 2026-12-07 00:30 in China

  it('names the list, the chosen filters by label (unset ones left out) and the China time', () => {
    expect(
      titleLines('改革需求台账', {
        filters: [
          { label: '填报单位', value: '万州区' },
          { label: '领域', value: undefined },
          { label: '状态', value: '已通过' },
          { label: '标题', value: '' },
        ],
        exportedAt: at,
      }),
    ).toEqual([
      '改革需求台账',
      '筛选条件：填报单位：万州区；状态：已通过',
      '导出时间：2026-12-07 00:30（北京时间）',
    ]);
  });

  it('says 全部 when no filter is set, and has no filter line when the caller passes none', () => {
    expect(
      titleLines('台账', { filters: [{ label: '单位', value: null }], exportedAt: at })[1],
    ).toBe('筛选条件：全部');
    expect(titleLines('台账', { title: '审计日志', exportedAt: at })).toEqual([
      '审计日志',
      '导出时间：2026-12-07 00:30（北京时间）',
    ]);
  });
});

describe('dateRangeLabel', () => {
  it.each([
    ['2026-01-01', '2026-03-31', '2026-01-01 至 2026-03-31'],
    ['2026-02', '2026-02', '2026-02'],
    ['2026-01-01', undefined, '2026-01-01 起'],
    [undefined, '2026-03-31', '至 2026-03-31'],
    [undefined, undefined, undefined],
  ])('%s – %s reads %s', (from, to, expected) => {
    expect(dateRangeLabel(from, to)).toBe(expected);
  });
});
