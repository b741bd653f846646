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

  it('should add the condition of each set filter field in the order written, false included', () => {
    const filter = { unitId: 4, state: '', from: '2026-01-01', adopted: false, q: undefined };
    const conditions = new SqlConditions([9]).filters(filter, {
      from: 'd.at >= ?::date',
      unitId: 'd.unit_id = ?',
      state: 'wi.state = ?',
      adopted: 'd.adopted = ?',
      q: 'd.title ILIKE ?',
    });
    expect(String(conditions)).toBe('d.at >= $2::date AND d.unit_id = $3 AND d.adopted = $4');
    expect(conditions.params).toEqual([9, '2026-01-01', 4, false]);
  });

  it('should add a flag only when true and let a function add what its value needs', () => {
    const filter = { due: true, accepted: false, status: 'none', q: 'x' };
    const conditions = new SqlConditions([9]).filters(filter, {
      due: 'p.due <= now()',
      accepted: 'p.accepted_on IS NOT NULL',
      status: (where, status) =>
        status === 'none' ? where.raw('t.status IS NULL') : where.add('t.status = ?', status),
      q: (where, q) => where.add('(p.name ILIKE ? OR p.code ILIKE ?)', `%${q}%`),
    });
    expect(String(conditions)).toBe(
      'p.due <= now() AND t.status IS NULL AND (p.name ILIKE $2 OR p.code ILIKE $2)',
    );
    expect(conditions.params).toEqual([9, '%x%']);
  });
});
