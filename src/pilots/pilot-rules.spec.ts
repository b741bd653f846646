import { normalizeDocumentNumber } from './document-number.js';
import { isCountedPilot, onTimeAcceptance } from './pilot-counting.js';

describe('normalizeDocumentNumber (文号 dedup)', () => {
  it('should make the spellings of one number equal', () => {
    const spellings = [
      '渝委办发〔2016〕58号',
      '渝委办发[2016]58号',
      '渝委办发【2016】 58 号',
      '渝委办发［２０１６］５８号',
      ' 渝委办发(2016)58号 ',
    ];
    expect(new Set(spellings.map(normalizeDocumentNumber))).toEqual(new Set(['渝委办发201658号']));
  });

  it('should ignore case and keep different numbers apart', () => {
    expect(normalizeDocumentNumber('GuoBanFa〔2020〕1号')).toBe(
      normalizeDocumentNumber('guobanfa[2020]1号'),
    );
    expect(normalizeDocumentNumber('渝委办发〔2016〕58号')).not.toBe(
      normalizeDocumentNumber('渝委办发〔2016〕59号'),
    );
    expect(normalizeDocumentNumber('渝府发〔2016〕58号')).not.toBe(
      normalizeDocumentNumber('渝委办发〔2016〕58号'),
    );
  });
});

describe('isCountedPilot (counting rules)', () => {
  const base = { confirmed: true, citywide: false, deployedOn: '2017-10-18', finished: true };

  it.each([
    ['deployed on 2017-10-18 (the boundary), finished', base, true],
    ['deployed on 2017-10-17, finished', { ...base, deployedOn: '2017-10-17' }, false],
    [
      'deployed on 2017-10-17, still in progress',
      { ...base, deployedOn: '2017-10-17', finished: false },
      true,
    ],
    [
      'deployed in 2015, still in progress',
      { ...base, deployedOn: '2015-03-01', finished: false },
      true,
    ],
    ['deployed in 2021, finished', { ...base, deployedOn: '2021-06-01' }, true],
    ['city-wide', { ...base, deployedOn: '2021-06-01', citywide: true }, false],
    ['city-wide and in progress', { ...base, citywide: true, finished: false }, false],
    ['not yet confirmed by the competent department', { ...base, confirmed: false }, false],
  ])('%s → %s', (_name, facts, expected) => {
    expect(isCountedPilot(facts)).toBe(expected);
  });
});

describe('onTimeAcceptance (试点按时通过验收率)', () => {
  it('should count passes on or before the due date among pilots due by the report date', () => {
    // Due by 2026-09-30: A (accepted on its due day: on time), B (accepted a day late), C (not accepted).
    // D is due after the report date and does not count, though it was accepted early.
    const pilots = [
      { acceptanceDue: '2026-06-30', acceptedOn: '2026-06-30' },
      { acceptanceDue: '2026-03-31', acceptedOn: '2026-04-01' },
      { acceptanceDue: '2026-09-30', acceptedOn: null },
      { acceptanceDue: '2026-12-31', acceptedOn: '2026-08-01' },
    ];
    // 1 on time of 3 due.
    expect(onTimeAcceptance(pilots, '2026-09-30')).toEqual({ due: 3, onTime: 1, rate: 1 / 3 });
  });

  it('should count a district with none due as 100%', () => {
    expect(
      onTimeAcceptance([{ acceptanceDue: '2027-01-01', acceptedOn: null }], '2026-09-30'),
    ).toEqual({ due: 0, onTime: 0, rate: 1 });
    expect(onTimeAcceptance([], '2026-09-30')).toEqual({ due: 0, onTime: 0, rate: 1 });
  });

  it('should not count an acceptance recorded after the report date', () => {
    expect(
      onTimeAcceptance([{ acceptanceDue: '2026-06-30', acceptedOn: '2026-06-30' }], '2026-06-29')
        .due,
    ).toBe(0);
    expect(
      onTimeAcceptance([{ acceptanceDue: '2026-06-01', acceptedOn: '2026-06-01' }], '2026-06-30'),
    ).toEqual({ due: 1, onTime: 1, rate: 1 });
  });
});
