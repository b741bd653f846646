/**
 * Hostile strings for the bad-input tests (SECURITY.md C4, C10, C12): what a careless paste, a
 * confused client or an attacker may put into a text field. Each has a name so a failing case says
 * which one broke.
 */

export interface HostileString {
  name: string;
  value: string;
}

/** 10,000 characters: over most limits, exactly at the 10,000 of the longest text areas. */
export const LONG_10K = '改'.repeat(10_000);

/** One mebibyte of text, for a few fields only (the form parser takes bodies up to 2 MiB). */
export const LONG_1M = 'x'.repeat(1024 * 1024);

/** Characters no text field accepts: C0 controls other than tab, LF and CR (XML 1.0 refuses them too). */
export const FORBIDDEN_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/** Payloads that would set window.__xss if they ever ran (the browser test watches for it). */
export const XSS_SCRIPT = '<script>window.__xss=1;alert(1)</script>';
export const XSS_IMG = '"><img src=x onerror="window.__xss=1;alert(1)">';
/** Its hx-get would request /xss-probe: the browser test traps any request there. */
export const XSS_HTMX = '" hx-get="/xss-probe" hx-trigger="load" hx-on::load="window.__xss=1';
export const XSS_HTMX_ON = 'hx-on::load="window.__xss=1" onmouseover="window.__xss=1"';

export const CONTROL_STRINGS: HostileString[] = [
  { name: 'NUL', value: 'before\u0000after' },
  { name: 'BEL', value: 'ding\u0007dong' },
  { name: 'CR/LF', value: 'line one\r\nline two\nline three\rline four' },
  { name: 'tab', value: 'col1\tcol2\tcol3' },
];

export const MARKUP_STRINGS: HostileString[] = [
  { name: 'script', value: '<script>alert(1)</script>' },
  { name: 'script (__xss)', value: XSS_SCRIPT },
  { name: 'img onerror', value: '"><img src=x onerror=alert(1)>' },
  { name: 'img onerror (__xss)', value: XSS_IMG },
  { name: 'javascript: URL', value: 'javascript:alert(1)' },
  { name: 'htmx attribute', value: '" hx-get="/admin" hx-trigger="load' },
  { name: 'htmx attribute (__xss)', value: XSS_HTMX },
  { name: 'hx-on', value: 'hx-on::load="alert(1)"' },
  { name: 'hx-on (__xss)', value: XSS_HTMX_ON },
  { name: 'Handlebars constructor', value: "{{constructor.constructor('alert(1)')()}}" },
  { name: 'Handlebars triple stash', value: '{{{x}}}' },
];

export const SQL_STRINGS: HostileString[] = [
  { name: 'SQL OR', value: "' OR 1=1 --" },
  { name: 'SQL DROP', value: '"; DROP TABLE users; --' },
];

export const UNICODE_STRINGS: HostileString[] = [
  { name: 'RTL override', value: 'invoice\u202Efdp.exe' },
  { name: 'zero-width', value: 'zero\u200Bwidth\u200C\u200Djoin\uFEFFer' },
  { name: 'emoji and astral', value: '改革👍🏽👨‍👩‍👧𝒜𠀀' },
  { name: 'full-width digits', value: '２０２６年１２月３１日' },
  // Each U+FDFA becomes 18 characters under NFKC (as 文号 are compared): 20 become 360.
  { name: 'NFKC expanding', value: '\uFDFA'.repeat(20) },
  { name: 'surrounding blanks', value: '  \t padded \u3000 ' },
];

/** Cell starts a spreadsheet reads as a formula (C10), half- and full-width. */
export const FORMULA_STRINGS: HostileString[] = [
  { name: 'formula =', value: '=1+1' },
  { name: 'formula +', value: '+1' },
  { name: 'formula -', value: '-2+3' },
  { name: 'formula @', value: '@SUM(A1)' },
  { name: 'formula full-width ＝', value: '＝1+1' },
  { name: 'formula full-width ＋', value: '＋1' },
  { name: 'formula full-width －', value: '－1' },
  { name: 'formula tab', value: '\t=1+1' },
  { name: 'formula CR', value: '\r=1+1' },
];

/**
 * Numbers a select or a number field may receive from a hand-made request (issue 18, item 7):
 * none is a valid id or year. Ids are PostgreSQL int4, so the first three must be refused by the
 * form, not by PostgreSQL ("out of range" was a 500).
 */
export const NUMBER_STRINGS: HostileString[] = [
  { name: 'int4 + 1', value: '2147483648' },
  { name: '20 digits', value: '99999999999999999999' },
  { name: '1e309', value: '1e309' },
  { name: 'minus one', value: '-1' },
  { name: 'zero', value: '0' },
  { name: 'one and a half', value: '1.5' },
  { name: 'hex', value: '0x10' },
  { name: 'full-width digits', value: '１２３' },
  { name: 'word', value: 'abc' },
];

export const LONG_STRING: HostileString = { name: '10k characters', value: LONG_10K };
export const HUGE_STRING: HostileString = { name: '1 MiB', value: LONG_1M };

/** Everything but the 1 MiB value. */
export const HOSTILE_STRINGS: HostileString[] = [
  LONG_STRING,
  ...CONTROL_STRINGS,
  ...MARKUP_STRINGS,
  ...SQL_STRINGS,
  ...UNICODE_STRINGS,
  ...FORMULA_STRINGS,
];

const byName = (name: string): HostileString => {
  const found = HOSTILE_STRINGS.find((candidate) => candidate.name === name);
  if (!found) {
    throw new Error(`No hostile string named ${name}`);
  }
  return found;
};

/**
 * The subset every field gets at least: the long string, the script, the htmx attribute and the
 * control characters, plus one of the formula starts.
 */
export const REPRESENTATIVE_STRINGS: HostileString[] = [
  LONG_STRING,
  byName('script'),
  byName('img onerror'),
  byName('htmx attribute'),
  byName('NUL'),
  byName('BEL'),
  byName('CR/LF'),
  byName('tab'),
  byName('formula ='),
];

/** True when the app must refuse the value as containing control characters. */
export function hasForbiddenControl(value: string): boolean {
  return FORBIDDEN_CONTROL.test(value);
}
