import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * SECURITY.md C12: what the templates may never do with data, checked on the sources so a new
 * template cannot slip past. Handlebars escapes `{{x}}` for HTML text and quoted attribute values;
 * what it cannot protect is listed here.
 */

const ROOT = process.cwd();
const VIEWS = join(ROOT, 'views');

function files(directory: string, extension: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) {
      return files(path, extension);
    }
    return path.endsWith(extension) ? [path] : [];
  });
}

interface Line {
  file: string;
  number: number;
  text: string;
}

const templateLines: Line[] = files(VIEWS, '.hbs').flatMap((file) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .map((text, index) => ({ file: relative(ROOT, file), number: index + 1, text })),
);

const where = (line: Line) => `${line.file}:${line.number}: ${line.text.trim()}`;

/**
 * Triple-stash output (`{{{x}}}`, no escaping) allowed only here, as "file: expression". None is
 * needed: pages wrap themselves with `{{> @partial-block}}` and the `json` helper returns a
 * SafeString with `<` escaped for <script type="application/json">.
 */
const TRIPLE_STASH_ALLOWED: string[] = [];

/** Server-made values allowed inside hx-vals, hx-headers and hx-on (never user data). */
const HX_DATA_EXPRESSIONS_ALLOWED = ['csrfToken'];

describe('Template lint (views/**/*.hbs)', () => {
  it('should find the templates', () => {
    expect(templateLines.length).toBeGreaterThan(1000);
  });

  it('should use no triple-stash outside the allow-list', () => {
    const found = templateLines.flatMap((line) =>
      [...line.text.matchAll(/\{\{\{\s*([^}]*?)\s*\}\}\}/g)]
        .map((match) => `${line.file}: ${match[1]}`)
        .filter((entry) => !TRIPLE_STASH_ALLOWED.includes(entry))
        .map(() => where(line)),
    );
    expect(found).toEqual([]);
  });

  it('should put the json helper only inside <script type="application/json">', () => {
    const misplaced = templateLines
      .filter((line) => /\{\{\s*json\b/.test(line.text))
      .filter(
        (line) =>
          !/<script type="application\/json"[^>]*>\{\{json [^}]+\}\}<\/script>/.test(line.text),
      )
      .map(where);
    expect(misplaced).toEqual([]);
  });

  it('should put no user data into hx-vals, hx-headers or hx-on', () => {
    const found: string[] = [];
    for (const line of templateLines) {
      for (const match of line.text.matchAll(
        /\b(hx-vals|hx-headers|hx-on)[^\s=]*=("[^"]*"|'[^']*')/g,
      )) {
        for (const expression of match[2].matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) {
          if (!HX_DATA_EXPRESSIONS_ALLOWED.includes(expression[1])) {
            found.push(`${where(line)} → {{${expression[1]}}}`);
          }
        }
      }
    }
    expect(found).toEqual([]);
  });

  it('should write no inline event handlers, javascript: URLs or inline scripts', () => {
    const found = templateLines
      .filter(
        (line) =>
          /\son[a-z]+\s*=\s*["']/i.test(line.text) ||
          /javascript:/i.test(line.text) ||
          /<script(?![^>]*\b(src=|type="application\/json"))[^>]*>/i.test(line.text),
      )
      .map(where);
    expect(found).toEqual([]);
  });

  it('should quote every attribute value that holds an expression', () => {
    const found = templateLines.filter((line) => /\s[a-zA-Z:-]+=\{\{/.test(line.text)).map(where);
    expect(found).toEqual([]);
  });

  it('should take whole URLs only from server-made link values', () => {
    const found: string[] = [];
    for (const line of templateLines) {
      for (const match of line.text.matchAll(
        /\b(href|src|action|hx-get|hx-post|hx-delete|formaction)="\{\{\s*([^}\s]+)\s*\}\}"/g,
      )) {
        // By convention the services build these: link (registry), *href, *path, *url, action.
        if (!/(link|href|path|url|action|script)$/i.test(match[2])) {
          found.push(`${where(line)} → {{${match[2]}}}`);
        }
      }
    }
    expect(found).toEqual([]);
  });

  it('should register no helper but json that returns unescaped HTML', () => {
    const engine = readFileSync(join(ROOT, 'src/common/views/handlebars-engine.ts'), 'utf8');
    expect(engine.match(/SafeString/g)).toHaveLength(1);
    expect(engine).toMatch(/'json',\s*\(value: unknown\) =>\s*new engine\.SafeString\(/);
  });

  it('should build no HTML from strings in the browser scripts', () => {
    const found = files(join(ROOT, 'public/js'), '.js').flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((text, index) => ({ file: relative(ROOT, file), number: index + 1, text }))
        .filter((line) =>
          /\.innerHTML\s*=|\.outerHTML\s*=|insertAdjacentHTML|document\.write|\beval\(|new Function\(/.test(
            line.text,
          ),
        )
        .map(where),
    );
    expect(found).toEqual([]);
  });
});
