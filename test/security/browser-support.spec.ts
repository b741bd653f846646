import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NODE_MODULES, PUBLIC_ROOT, VIEWS_ROOT } from '../../src/common/paths.js';

/**
 * The oldest browser we support is Chromium 85 (htmx 4 uses String.prototype.replaceAll and
 * logical assignment, both new in 85), and the login page says so. What we ship ourselves must
 * not need more: a CSS feature an older engine does not know drops its whole rule (the 涉密
 * toggle used :has(), Chromium 105), a newer script API throws.
 */
const CSS_AFTER_85: [RegExp, string][] = [
  [/:has\(/, ':has() (Chromium 105)'],
  [/:is\(/, ':is() (Chromium 88)'],
  [/:where\(/, ':where() (Chromium 88)'],
  [/aspect-ratio\s*:/, 'aspect-ratio (Chromium 88)'],
  [/(^|[\s;{])inset\s*:/, 'inset (Chromium 87)'],
  [/@container/, 'container queries (Chromium 105)'],
  [/@layer/, 'cascade layers (Chromium 99)'],
  [/color-mix\(/, 'color-mix() (Chromium 111)'],
  [/\d(dvh|svh|lvh|dvw|svw|lvw)\b/, 'dynamic viewport units (Chromium 108)'],
  [/^\s*&/m, 'CSS nesting (Chromium 112)'],
];
const JS_AFTER_85: [RegExp, string][] = [
  [/\.at\(-?\d/, 'Array.prototype.at (Chromium 92)'],
  [/structuredClone\(/, 'structuredClone (Chromium 98)'],
  [/Object\.hasOwn\(/, 'Object.hasOwn (Chromium 93)'],
  [/\.findLast(Index)?\(/, 'findLast (Chromium 97)'],
  [/\.to(Sorted|Reversed|Spliced)\(/, 'change-array-by-copy (Chromium 110)'],
  [/withResolvers/, 'Promise.withResolvers (Chromium 119)'],
  [/AbortSignal\.(timeout|any)/, 'AbortSignal.timeout/any (Chromium 103/116)'],
  [/\bstatic\s*\{/, 'class static blocks (Chromium 94)'],
  [/\.checkVisibility\(/, 'checkVisibility (Chromium 105)'],
];

function filesUnder(directory: string, extension: string): string[] {
  return readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(extension))
    .map((entry) => join(entry.parentPath, entry.name));
}

function findings(files: string[], rules: [RegExp, string][]): string[] {
  return files.flatMap((file) => {
    const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    return rules.filter(([pattern]) => pattern.test(text)).map(([, what]) => `${file}: ${what}`);
  });
}

describe('Browser support: Chromium 85 and newer', () => {
  it('should use no CSS an engine before Chromium 86 lacks', () => {
    expect(findings(filesUnder(PUBLIC_ROOT, '.css'), CSS_AFTER_85)).toEqual([]);
  });

  it('should use no script API an engine before Chromium 86 lacks', () => {
    expect(findings(filesUnder(PUBLIC_ROOT, '.js'), JS_AFTER_85)).toEqual([]);
  });

  it('should ship an htmx that needs Chromium 85 and no newer API', () => {
    const htmx = join(NODE_MODULES, 'htmx.org', 'dist', 'htmx.min.js');
    expect(readFileSync(htmx, 'utf8')).toContain('replaceAll');
    expect(findings([htmx], JS_AFTER_85)).toEqual([]);
  });

  it('should state the minimum browser on the login page', () => {
    expect(readFileSync(join(VIEWS_ROOT, 'auth', 'login.hbs'), 'utf8')).toContain(
      'Chromium 85 及以上',
    );
  });
});
