import { checkSatisfactionForm, rankByScore, scoreCents } from './satisfaction-form.js';

describe('Major-project satisfaction form rules', () => {
  const projects = [
    { id: 'a', name: '数字重庆建设', optional: false },
    { id: 'b', name: '营商环境创新试点', optional: false },
    { id: 'c', name: '已结项的改革', optional: true },
  ];
  const input = (scores: Record<string, string>, extra: Partial<{ conclusion: string }> = {}) => ({
    scores,
    remarks: {},
    conclusion: extra.conclusion ?? '总体满意',
    report: [],
  });

  it('should read scores from 0 to 100 with at most two decimals, as hundredths', () => {
    expect(scoreCents('0')).toBe(0);
    expect(scoreCents('100')).toBe(10000);
    expect(scoreCents(' 92.5 ')).toBe(9250);
    expect(scoreCents('88.05')).toBe(8805);
    for (const bad of ['100.01', '101', '-1', '9.999', 'abc', '９０', '1,5', '']) {
      expect(scoreCents(bad)).toBeUndefined();
    }
  });

  it('should name the project of a missing or out-of-range score and let a closed project be left blank', () => {
    const { rows, errors } = checkSatisfactionForm(input({ a: '101', b: '' }), projects);
    expect(errors.score_a).toEqual([
      '「数字重庆建设」的得分“101”须为 0–100 之间、最多两位小数的数',
    ]);
    expect(errors.score_b).toEqual(['请填写「营商环境创新试点」的满意度得分']);
    expect(errors.score_c).toBeUndefined();
    expect(rows).toEqual([]);
  });

  it('should give each score as numeric text with two decimals and ask for the conclusion', () => {
    const { rows, errors } = checkSatisfactionForm(
      input({ a: '92.5', b: '100', c: '' }, { conclusion: ' ' }),
      projects,
    );
    expect(errors).toEqual({ conclusion: ['请填写总体调查结论'] });
    expect(rows).toEqual([
      { projectId: 'a', score: '92.50', remark: '' },
      { projectId: 'b', score: '100.00', remark: '' },
    ]);
  });

  it('should refuse more than one report file and a remark without a score', () => {
    const { errors } = checkSatisfactionForm(
      {
        scores: { a: '90', b: '90' },
        remarks: { c: '未纳入调查' },
        conclusion: 'x',
        report: ['1', '2'],
      },
      projects,
    );
    expect(Object.keys(errors).sort()).toEqual(['report', 'score_c']);
  });

  it('should rank equal scores together (1, 2, 2, 4)', () => {
    const ranked = rankByScore([
      { id: 'x', score: '88.00' },
      { id: 'y', score: '95.50' },
      { id: 'z', score: '88' },
      { id: 'w', score: '70.25' },
    ]);
    expect(ranked.map((row) => [row.id, row.rank])).toEqual([
      ['y', 1],
      ['x', 2],
      ['z', 2],
      ['w', 4],
    ]);
  });
});
