import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';
import { jsonDepthExceeds, MAX_FORM_FIELDS, parseFormBody, parseJsonBody } from './body-limits.js';

describe('body limits', () => {
  it('should measure JSON depth on the text, ignoring brackets in strings', () => {
    expect(jsonDepthExceeds('{"a":[1,{"b":2}]}', 3)).toBe(false);
    expect(jsonDepthExceeds('{"a":[1,{"b":[]}]}', 3)).toBe(true);
    expect(jsonDepthExceeds('{"a":"[[[[[[\\\\\\"[[["}', 1)).toBe(false);
    expect(() => parseJsonBody(`${'['.repeat(20_000)}${']'.repeat(20_000)}`)).toThrow(
      BadRequestException,
    );
    expect(parseJsonBody('{"title":"x","__proto__":{"admin":true}}')).toEqual({ title: 'x' });
  });

  it('should refuse a form over the field cap and keep repeated fields as arrays', () => {
    const fields = (count: number) => Array.from({ length: count }, (_u, i) => `f${i}=1`).join('&');
    expect(Object.keys(parseFormBody(fields(MAX_FORM_FIELDS)))).toHaveLength(MAX_FORM_FIELDS);
    expect(() => parseFormBody(fields(MAX_FORM_FIELDS + 1))).toThrow(PayloadTooLargeException);
    expect(parseFormBody('a=1&a=2&b=3')).toEqual({ a: ['1', '2'], b: '3' });
  });

  it('should strip bidi controls from every form value', () => {
    expect(
      parseFormBody(
        `title=${encodeURIComponent('\u202egnp.exe')}&x=${encodeURIComponent('\u2067a\u2069')}&x=b`,
      ),
    ).toEqual({
      title: 'gnp.exe',
      x: ['a', 'b'],
    });
  });
});
