import { SqlConditions } from './sql.js';

describe('SqlConditions', () => {
  it('should number parameters after the initial ones and reuse one value for every ? of a condition', () => {
    const conditions = new SqlConditions([7]);
    conditions
      .raw('x.owner = $1')
      .add('x.kind = ?', 'demand')
      .add('(x.title ILIKE ? OR x.code ILIKE ?)', '%a%');
    const limit = conditions.bind(20);
    expect(String(conditions)).toBe(
      'x.owner = $1 AND x.kind = $2 AND (x.title ILIKE $3 OR x.code ILIKE $3)',
    );
    expect(limit).toBe('$4');
    expect(conditions.params).toEqual([7, 'demand', '%a%', 20]);
  });

  it('should read as true when there is no condition', () => {
    expect(String(new SqlConditions())).toBe('true');
  });
});
