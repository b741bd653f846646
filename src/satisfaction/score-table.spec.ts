import { checkScoreTable, scoreTableErrors } from './score-table.js';

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
    expect(result.rowErrors).toEqual([]);
    expect(result.fieldErrors.size).toBe(0);
    expect(scoreTableErrors(result, districts)).toEqual({});
    expect([...result.scores]).toEqual([
      [1, 95.5],
      [2, 100],
      [3, 0],
    ]);
  });

  it('should keep a bad or missing score for its district and name the rows that fit none', () => {
    const result = checkScoreTable(
      [
        { row: 2, district: '万州区', score: '101' },
        { row: 3, district: '万州区', score: '90' },
        { row: 4, district: '黔江区', score: '88.123' },
        { row: 5, district: '南岸', score: '90' },
      ],
      districts,
    );
    expect(result.rowErrors).toEqual(['第 3 行：万州区 重复', '第 5 行：没有名为“南岸”的区县']);
    expect(Object.fromEntries(result.fieldErrors)).toEqual({
      1: { kind: 'invalid', message: '第 2 行：得分“101”须为 0–100 之间、最多两位小数的数' },
      2: { kind: 'invalid', message: '第 4 行：得分“88.123”须为 0–100 之间、最多两位小数的数' },
      3: { kind: 'missing', message: '表中缺少该区县，请补上一行' },
    });
    expect(result.scores.size).toBe(0);
    expect(scoreTableErrors(result, districts)).toEqual({
      score_1: ['第 2 行：得分“101”须为 0–100 之间、最多两位小数的数'],
      score_2: ['第 4 行：得分“88.123”须为 0–100 之间、最多两位小数的数'],
      score_3: ['表中缺少该区县，请补上一行'],
      scores: [
        '有 5 处需要修改：万州区、黔江区 的得分有误；涪陵区 没有得分；表中 2 行有误',
        '第 3 行：万州区 重复',
        '第 5 行：没有名为“南岸”的区县',
      ],
    });
  });

  it('should mark typed scores without naming rows, an empty one as not filled in', () => {
    const result = checkScoreTable(
      [
        { district: '万州区', score: 'abc' },
        { district: '黔江区', score: '150' },
        { district: '涪陵区', score: ' ' },
      ],
      districts,
    );
    expect(result.rowErrors).toEqual([]);
    expect(scoreTableErrors(result, districts)).toEqual({
      score_1: ['得分“abc”须为 0–100 之间、最多两位小数的数'],
      score_2: ['得分“150”须为 0–100 之间、最多两位小数的数'],
      score_3: ['请填写得分'],
      scores: ['有 3 处需要修改：万州区、黔江区 的得分有误；涪陵区 没有得分'],
    });
  });

  it('should name at most five districts in the summary', () => {
    const many = Array.from({ length: 8 }, (_unused, index) => ({
      id: index + 1,
      name: `区${index + 1}`,
    }));
    const result = checkScoreTable(
      many.map((district) => ({ district: district.name, score: '' })),
      many,
    );
    expect(scoreTableErrors(result, many).scores).toEqual([
      '有 8 处需要修改：区1、区2、区3、区4、区5 等 8 个区县没有得分',
    ]);
  });
});
