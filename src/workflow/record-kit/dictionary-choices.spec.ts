import { dictionaryChoiceErrors, type DictionaryChoice } from './dictionary-choices.js';

// Active items: domain 1 with track 11; domain 2 with no track. Track 12 is domain 1's but inactive.
const active = new Map<number, { kind: string; parentId?: number }>([
  [1, { kind: 'domain' }],
  [2, { kind: 'domain' }],
  [11, { kind: 'track', parentId: 1 }],
]);
const dictionaries = {
  isActive: (kind: string, id: number, parentId?: number) =>
    Promise.resolve(
      active.get(id)?.kind === kind &&
        (parentId === undefined || active.get(id)?.parentId === parentId),
    ),
};

type Form = { domainId?: number; trackId?: number };
const CHOICES: DictionaryChoice<Form, string>[] = [
  { field: 'domainId', kind: 'domain', message: '请选择领域' },
  { field: 'trackId', kind: 'track', within: 'domainId', message: '所选跑道不属于该领域' },
];

describe('dictionaryChoiceErrors (a record form’s dictionary selects)', () => {
  it.each([
    ['an active domain and its track', { domainId: 1, trackId: 11 }, [], {}],
    ['no track chosen', { domainId: 2 }, [], {}],
    ['no domain chosen (optional)', {}, [], {}],
    ['an inactive domain', { domainId: 3 }, [], { domainId: ['请选择领域'] }],
    [
      'a track of another domain',
      { domainId: 2, trackId: 11 },
      [],
      { trackId: ['所选跑道不属于该领域'] },
    ],
    ['an inactive track', { domainId: 1, trackId: 12 }, [], { trackId: ['所选跑道不属于该领域'] }],
    ['a domain the DTO refused', { domainId: 3, trackId: 11 }, ['domainId'], {}],
    ['a track the DTO refused', { domainId: 1, trackId: 12 }, ['trackId'], {}],
  ])('%s', async (_case, form: Form, failed: string[], expected) => {
    expect(await dictionaryChoiceErrors(dictionaries, form, new Set(failed), CHOICES)).toEqual(
      expected,
    );
  });
});
