import { rankBy } from './competition-ranks.js';

describe('rankBy', () => {
  it('should give tied counts one rank and skip the places they share', () => {
    const rows = [
      { name: '甲', count: 3 },
      { name: '乙', count: 5 },
      { name: '丙', count: 3 },
      { name: '丁', count: 0 },
      { name: '戊', count: 5 },
    ];
    const ranked = rankBy(rows, (row) => row.count);
    expect(ranked.map((row) => [row.name, row.value, row.rank])).toEqual([
      ['乙', 5, 1],
      ['戊', 5, 1],
      ['甲', 3, 3],
      ['丙', 3, 3],
      ['丁', 0, 5],
    ]);
  });

  it('should leave the rows it was given in their order', () => {
    const rows = [{ count: 1 }, { count: 2 }];
    rankBy(rows, (row) => row.count);
    expect(rows).toEqual([{ count: 1 }, { count: 2 }]);
  });
});
