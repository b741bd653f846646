import { parseBoardFilter, periodChoices, periodRange } from './board-filter.js';

describe('填报进度 board filter', () => {
  it('should read a month or a quarter as its range of due days', () => {
    expect(periodRange('2026-02')).toEqual({
      from: '2026-02-01',
      to: '2026-02-28',
      label: '2026年2月',
    });
    expect(periodRange('2026-Q4')).toEqual({
      from: '2026-10-01',
      to: '2026-12-31',
      label: '2026年第四季度',
    });
    expect(periodRange('2026-13')).toBeUndefined();
    expect(periodRange('2026-Q5')).toBeUndefined();
  });

  it('should fall back to this quarter, all modules and all units on anything unusable', () => {
    const filter = parseBoardFilter(
      { period: 'x', module: 'nope', kind: 'office', status: '<b>', unit: '1e3' },
      '2026-11-20',
      ['blocker'],
    );
    expect(filter).toMatchObject({
      period: '2026-Q4',
      from: '2026-10-01',
      to: '2026-12-31',
      module: '',
      unitKind: 'all',
      status: 'all',
      unitId: undefined,
    });
    expect(
      parseBoardFilter({ period: '2026-10', module: 'blocker', unit: '7' }, '2026-11-20', [
        'blocker',
      ]),
    ).toMatchObject({ period: '2026-10', module: 'blocker', unitId: 7 });
  });

  it('should offer this quarter and the five before, then this month and the eleven before', () => {
    const choices = periodChoices('2026-01-15').map((choice) => choice.value);
    expect(choices.slice(0, 6)).toEqual([
      '2026-Q1',
      '2025-Q4',
      '2025-Q3',
      '2025-Q2',
      '2025-Q1',
      '2024-Q4',
    ]);
    expect(choices.slice(6, 9)).toEqual(['2026-01', '2025-12', '2025-11']);
    expect(choices).toHaveLength(18);
  });
});
