import { randomUUID } from 'node:crypto';
import Handlebars from 'handlebars';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { assetUrl } from '../http/static-assets.js';

type HelperOptions = Handlebars.HelperOptions;

const pad = (value: number): string => String(value).padStart(2, '0');

/** Dates are shown in China Standard Time whatever the server's zone. */
function toChinaTime(value: unknown): Date | undefined {
  if (value === null || value === undefined || value === '') {
    return undefined;
  }
  const date =
    value instanceof Date
      ? value
      : typeof value === 'string' || typeof value === 'number'
        ? new Date(value)
        : undefined;
  if (!date) {
    return undefined;
  }
  if (Number.isNaN(date.getTime())) {
    return undefined;
  }
  return new Date(date.getTime() + 8 * 3600 * 1000);
}

export function formatDate(value: unknown): string {
  const date = toChinaTime(value);
  return date
    ? `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`
    : '';
}

export function formatDateTime(value: unknown): string {
  const date = toChinaTime(value);
  return date ? `${formatDate(value)} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}` : '';
}

/** DOM ids are the contract between templates, hx-target and tests: `{{domId "user" id "row"}}`. */
export function domId(...parts: unknown[]): string {
  return parts
    .slice(0, -1)
    .map((part) => String(part).replace(/[^A-Za-z0-9_-]/g, '-'))
    .join('-');
}

function registerHelpers(engine: typeof Handlebars): void {
  // `{{asset "css/app.css"}}`: the file's URL under /static/ with its content fingerprint.
  engine.registerHelper('asset', (path: unknown) => assetUrl(String(path)));
  engine.registerHelper('eq', (a: unknown, b: unknown) => a === b || String(a) === String(b));
  engine.registerHelper('ne', (a: unknown, b: unknown) => String(a) !== String(b));
  engine.registerHelper('not', (a: unknown) => !a);
  engine.registerHelper('and', (...args: unknown[]) => args.slice(0, -1).every(Boolean));
  engine.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
  engine.registerHelper('gt', (a: unknown, b: unknown) => Number(a) > Number(b));
  engine.registerHelper('includes', (list: unknown, value: unknown) =>
    Array.isArray(list) ? list.map(String).includes(String(value)) : false,
  );
  engine.registerHelper('add', (a: unknown, b: unknown) => Number(a) + Number(b));
  // A fresh one-time token for a filing form (partials/_once.hbs, common/forms/form-submissions).
  engine.registerHelper('newOnceToken', () => randomUUID());
  engine.registerHelper('formatDate', formatDate);
  engine.registerHelper('formatDateTime', formatDateTime);
  engine.registerHelper('domId', domId);
  engine.registerHelper('errorFor', (errors: unknown, field: string) =>
    errors && typeof errors === 'object'
      ? ((errors as Record<string, string[]>)[field] ?? []).join('；')
      : '',
  );
  // For <script type="application/json">: escape "<" so the data can never close the script element.
  engine.registerHelper(
    'json',
    (value: unknown) =>
      new engine.SafeString(JSON.stringify(value ?? null).replace(/</g, '\\u003c')),
  );
  // The DOM id stem of an attachment field: its form's id and the field (attachments/_field.hbs),
  // so two forms on one page never share an upload list.
  engine.registerHelper('uploadKey', (form: unknown, field: unknown) =>
    typeof form === 'string' && form !== '' ? `${form}-${String(field)}` : String(field),
  );
  engine.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).map(String).join(''));
  engine.registerHelper('lookupLabel', (labels: unknown, key: unknown) =>
    labels && typeof labels === 'object'
      ? ((labels as Record<string, string>)[String(key)] ?? String(key))
      : '',
  );
  engine.registerHelper('selectedIf', (condition: unknown) => (condition ? 'selected' : ''));
  engine.registerHelper('checkedIf', (condition: unknown) => (condition ? 'checked' : ''));
  engine.registerHelper('times', (count: unknown, options: HelperOptions) =>
    Array.from({ length: Number(count) || 0 }, (_unused, index) => options.fn(index)).join(''),
  );
}

function listTemplates(root: string): string[] {
  return readdirSync(root).flatMap((entry) => {
    const path = join(root, entry);
    return statSync(path).isDirectory() ? listTemplates(path) : path.endsWith('.hbs') ? [path] : [];
  });
}

/**
 * One Handlebars instance with our helpers and every template under views/ registered as a
 * partial named by its path without extension (`layouts/app`, `admin/users/_rows`), so pages can
 * wrap themselves in the layout and fragments can be rendered alone or included.
 */
export function createHandlebarsEngine(viewsRoot: string): typeof Handlebars {
  const engine = Handlebars.create();
  // A partial on an indented line would otherwise have every line of its output indented, values
  // included: a multi-line text in a <textarea> came back with spaces added after each newline,
  // and saving the form again stored them. Partials compiled on first use inherit these options.
  const compile = engine.compile.bind(engine);
  engine.compile = (input, options) => compile(input, { ...options, preventIndent: true });
  registerHelpers(engine);
  for (const file of listTemplates(viewsRoot)) {
    const name = relative(viewsRoot, file)
      .split(sep)
      .join('/')
      .replace(/\.hbs$/, '');
    engine.registerPartial(name, readFileSync(file, 'utf8'));
  }
  return engine;
}
