import { BadRequestException } from '@nestjs/common';
import { filterField, ledgerQuery, optionsOf } from './ledger-query.js';

const STATES = ['draft', 'approved'] as const;
const ledger = ledgerQuery({
  unitId: filterField.id('unit'),
  state: filterField.oneOf('state', STATES),
  year: filterField.int('year', 2000, 2100),
  from: filterField.date('from'),
  q: filterField.text('q', 5),
  adopted: filterField.yesNo('adopted'),
});

describe('ledgerQuery: one filter spec for a ledger, its export and its form', () => {
  it('should read each field from its own parameter and drop odd values', () => {
    const filter = ledger.parse({
      unit: '12',
      state: 'nonsense',
      year: '2026',
      from: '2026-02-30',
      q: '  改革试点工作  ',
      adopted: 'no',
      page: '3',
    });
    expect(filter).toEqual({
      page: 3,
      unitId: 12,
      state: undefined,
      year: 2026,
      from: undefined,
      q: '改革试点工',
      adopted: false,
    });
    expect(ledger.parse({ state: ['approved', 'draft'] }).state).toBe('approved');
    expect(ledger.parse({ page: '-1' }).page).toBe(1);
  });

  it('should refuse a malformed id with the Chinese 400 of the shared parser', () => {
    expect(() => ledger.parse({ unit: '1e309' })).toThrow(BadRequestException);
  });

  it('should give the form every field back, empty where not set, yes/no for booleans', () => {
    const filter = ledger.parse({ unit: '4', adopted: 'yes' });
    expect(ledger.formValues(filter)).toEqual({
      unitId: 4,
      state: '',
      year: '',
      from: '',
      q: '',
      adopted: 'yes',
    });
    expect(ledger.isFiltered(filter)).toBe(true);
    expect(ledger.isFiltered(ledger.parse({ page: '2' }))).toBe(false);
  });

  it('should build the page: 45 rows at 20 a page, page 2 keeps the filters in its links', () => {
    const query = { unit: '4', page: '2' };
    const view = ledger.page('/x', query, ledger.parse(query), { rows: ['a'], total: 45 });
    expect(view.rows).toEqual(['a']);
    expect(view.filtered).toBe(true);
    expect(view.exportHref).toBe('/x/export?unit=4');
    expect(view.pagination).toMatchObject({
      page: 2,
      pages: 3,
      prevHref: '/x?unit=4&page=1',
      nextHref: '/x?unit=4&page=3',
    });
  });

  it('should make select options from codes and labels, in order', () => {
    expect(optionsOf(STATES, { draft: '草稿', approved: '已通过' })).toEqual([
      { value: 'draft', label: '草稿' },
      { value: 'approved', label: '已通过' },
    ]);
  });
});
