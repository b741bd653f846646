import { safeCellText } from './excel-export.js';

describe('safeCellText (no formula can start a cell)', () => {
  it.each([
    ['=HYPERLINK("http://x","y")', `'=HYPERLINK("http://x","y")`],
    ['+1', `'+1`],
    ['-2', `'-2`],
    ['@cmd', `'@cmd`],
    ['\tx', `'\tx`],
    ['\rx', `'\rx`],
    ['＝1+1', `'＝1+1`],
    ['＋1', `'＋1`],
    ['建立“一件事一次办”机制', '建立“一件事一次办”机制'],
    ['a=b', 'a=b'],
    ['', ''],
  ])('%j becomes %j', (input, expected) => {
    expect(safeCellText(input)).toBe(expected);
  });
});
