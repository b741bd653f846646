import { checkScoreTable } from './score-table.js';

const districts = [
  { id: 1, name: '万州区' },
  { id: 2, name: '黔江区' },
  { id: 3, name: '涪陵区' },
];

describe('checkScoreTable', () => {
  it('should accept every district once with scores from 0 to 100', () => {
    const result = checkScoreTable(
      [
        { row: 2, district: '万州区', score: '95.5' },
        { row: 3, district: '黔江区', score: '100' },
        { row: 4, district: '涪陵区', score: '0' },
      ],
      districts,
    );
    expect(result.errors).toEqual([]);
    expect([...result.scores]).toEqual([
      [1, 95.5],
      [2, 100],
      [3, 0],
    ]);
  });

  it('should name the rows of a missing district, a duplicate and a score of 101', () => {
    const result = checkScoreTable(
      [
        { row: 2, district: '万州区', score: '101' },
        { row: 3, district: '万州区', score: '90' },
        { row: 4, district: '黔江区', score: '88.123' },
      ],
      districts,
    );
    expect(result.errors).toEqual([
      '第 2 行：万州区 的得分“101”须为 0–100 之间、最多两位小数的数',
      '第 3 行：万州区 重复',
      '第 4 行：黔江区 的得分“88.123”须为 0–100 之间、最多两位小数的数',
      '缺少 涪陵区 的得分',
    ]);
    expect(result.scores.size).toBe(0);
  });
});
