import { safeNextPath } from './safe-next-path.js';

describe('safeNextPath (post-login destination, read as a browser would)', () => {
  it.each([
    ['/demands', '/demands'],
    ['/demands?unit=3&page=2', '/demands?unit=3&page=2'],
    [
      '/records/0b7d0b52-3f4c-4b8e-9a55-2f1c0d1e2a3b',
      '/records/0b7d0b52-3f4c-4b8e-9a55-2f1c0d1e2a3b',
    ],
    ['/demands?q=a%20b', '/demands?q=a%20b'],
    ['/demands?q=改革', '/demands?q=%E6%94%B9%E9%9D%A9'],
    ['/a/../demands', '/demands'],
    ['/demands#top', '/demands#top'],
  ])('should keep the same-origin path %j as %j', (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
  });

  it.each([
    ['tab', '/\t/evil.example/phish'],
    ['newline', '/\n/evil.example'],
    ['carriage return', '/\r/evil.example'],
    ['space', '/ /evil.example'],
    ['backslash', '/\\evil.example'],
    ['slash backslash slash', '/\\/evil.example'],
    ['encoded slash', '/%2Fevil.example'],
    ['encoded slash (upper/lower case)', '/%2fevil.example'],
    ['double-encoded slash', '/%252Fevil.example'],
    ['encoded backslash', '/%5Cevil.example'],
    ['encoded tab then //', '%09//evil.example'],
    ['encoded tab inside', '/%09/evil.example'],
    ['encoded newline inside', '/%0A/evil.example'],
    ['full-width solidus', '/／evil.example'],
    ['full-width solidus twice', '／／evil.example'],
    ['full-width reverse solidus', '/＼evil.example'],
    ['encoded full-width solidus', '/%EF%BC%8Fevil.example'],
    ['protocol-relative', '//evil.example'],
    ['absolute URL', 'https://evil.example/'],
    ['javascript: URL', 'javascript:alert(1)'],
    ['encoded @', '/%40evil.example'],
    ['@ in the path', '/@evil.example'],
    ['right-to-left override', '/\u202e/evil.example'],
    ['zero-width space', '/\u200b/evil.example'],
    ['malformed escape', '/%E0%A4%A'],
    ['the login page (would loop)', '/login?next=/demands'],
    ['empty', ''],
    ['not a string', ['/demands']],
    ['too long', `/${'a'.repeat(3000)}`],
  ])('should refuse %s', (_label, next) => {
    expect(safeNextPath(next)).toBe('/');
  });

  it('should only answer ASCII (a Location header Node accepts)', () => {
    for (const next of ['/demands?q=改革', '/报表', '/\u00e9']) {
      expect(safeNextPath(next)).toMatch(/^[\x21-\x7e]+$/);
    }
  });
});
