import Handlebars from 'handlebars';
import { BIDI_CONTROLS } from '../../src/common/forms/transforms.js';
import type { Response } from 'supertest';
import { login, type HttpSession } from '../helpers/http-session.js';
import type { TestApp } from '../helpers/test-app.js';
import type { TestUser } from '../helpers/users.factory.js';
import {
  HUGE_STRING,
  REPRESENTATIVE_STRINGS,
  hasForbiddenControl,
  type HostileString,
} from './hostile-strings.js';

/**
 * The form fuzz of SECURITY.md C4, shared by the spec files that declare the forms: every text
 * field gets hostile strings, and each post must give no 5xx and either a 422 with a Chinese
 * message next to the field and everything typed echoed back into the form, or success with the
 * value stored exactly (read back from the database, and shown as it is on the record page).
 *
 * What the app normalises on purpose (so the expected stored value is not the raw one):
 * - every text field is trimmed (leading and trailing blanks, tabs, CR/LF, U+3000, U+FEFF);
 * - an emptied optional text is stored as '' (a dictionary description as NULL, read as '');
 * - bidi control characters (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C) are removed from
 *   every form value (issue 18: "\u202egnp.exe" must not read as "exe.png").
 * What it refuses on purpose: C0 control characters other than tab, LF and CR, in any field.
 * Limits: DTO fields (class-validator MaxLength) count UTF-16 code units, the hand-written checks
 * (battle map, iterations, project satisfaction, indicator systems, bands) count characters as a
 * reader does (code points): an astral emoji counts 2 in the first and 1 in the second.
 */

export type Form = Record<string, string | string[]>;

export type FieldKind =
  /** Free text with a limit: refused over the limit or with control characters, else stored. */
  | 'text'
  /** A date, number, code or choice: no hostile string is valid, so always refused. */
  | 'refused'
  /** Not stored (a what-if input): only "no 5xx" and the echo are checked. */
  | 'echoed';

export interface FieldSpec {
  /** The name results are read back under (and posted under, unless `posted` says otherwise). */
  name: string;
  /** The posted field name when it holds a record's id (`remark_<projectId>`). */
  posted?: () => string;
  kind: FieldKind;
  max?: number;
  /** How the limit counts: UTF-16 code units (class-validator) or characters (code points). */
  count?: 'units' | 'chars';
  required?: boolean;
  /** Also post the 1 MiB value. */
  huge?: boolean;
  /** The strings this field gets (default: the representative subset). */
  strings?: HostileString[];
  /** Where the message shows when not at `#<posted name>-error`: another id, or `.class`. */
  errorId?: string;
  /** False when the form does not show a typed value again (a select, a radio). */
  echo?: boolean;
  /** False when an invalid value cannot come from the page, so nothing else is shown again. */
  keepsOthers?: boolean;
  /** Hostile strings (by name) this field refuses on purpose though they are within its limit. */
  refuses?: string[];
}

export interface PostContext {
  /** The redirect's location, or the record id for htmx transitions. */
  location: string;
  form: Form;
}

export interface FormCase {
  name: string;
  session: () => Promise<HttpSession>;
  /** Where to post; called before every post (a case may need a fresh parent record each time). */
  url: () => string | Promise<string>;
  valid: () => Promise<Form> | Form;
  fields: FieldSpec[];
  /** The stored text fields, by field name, of the record a successful post saved. */
  read?: (context: PostContext) => Promise<Record<string, unknown>>;
  /** False when the page a success redirects to does not show the stored texts. */
  page?: boolean;
  /** The page showing the stored texts when it is not the one a success redirects to. */
  recordPage?: () => string;
  htmx?: boolean;
}

const escape = (value: string) => Handlebars.Utils.escapeExpression(value);
const CJK = /[\u4e00-\u9fff]/;

export const idOf = (location: string): string =>
  location.split('?')[0].split('/').filter(Boolean).pop()!;

const postedName = (field: FieldSpec): string => field.posted?.() ?? field.name;

function lengthOf(value: string, count: 'units' | 'chars'): number {
  return count === 'chars' ? [...value].length : value.length;
}

type Expected = { outcome: 'refused' } | { outcome: 'stored'; stored: string } | { outcome: 'any' };

/** The outcome the app owes for a hostile string in a field. */
export function expected(field: FieldSpec, hostile: HostileString): Expected {
  const value = hostile.value;
  if (field.kind === 'refused' || field.refuses?.includes(hostile.name)) {
    return { outcome: 'refused' };
  }
  if (field.kind === 'echoed') {
    return { outcome: 'any' };
  }
  const stored = value.replace(BIDI_CONTROLS, '').trim();
  if (hasForbiddenControl(stored)) {
    return { outcome: 'refused' };
  }
  if (lengthOf(stored, field.count ?? 'units') > (field.max ?? Infinity)) {
    return { outcome: 'refused' };
  }
  if (stored === '' && field.required !== false) {
    return { outcome: 'refused' };
  }
  return { outcome: 'stored', stored };
}

/**
 * The message next to a field: `<p class="field-error" id="<field>-error">…</p>`, or the first
 * element of a class (`.error-message`, `.flash-error`).
 */
export function fieldMessage(html: string, errorId: string): string | undefined {
  const quoted = errorId.replace(/^\./, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const attribute = errorId.startsWith('.')
    ? `class="[^"]*\\b${quoted}\\b[^"]*"`
    : `id="${quoted}"`;
  return new RegExp(`${attribute}[^>]*>([^<]*)<`).exec(html)?.[1];
}

/** The messages of a refused setup post, for a readable failure. */
export function expectSeeOther(response: Response): string {
  if (response.status !== 303) {
    const messages = [
      ...response.text.matchAll(
        /class="(?:field-error|flash flash-error)"[^>]*>([\s\S]*?)<\/(?:p|div)>/g,
      ),
    ].map((match) => match[1].replace(/<[^>]+>/g, ' ').trim());
    throw new Error(`Setup post answered ${response.status}: ${messages.join(' | ')}`);
  }
  return String(response.headers.location);
}

/** Posts one value into one field and checks what the app owes; returns the problems found. */
async function fuzz(formCase: FormCase, field: FieldSpec, hostile: HostileString) {
  const session = await formCase.session();
  const url = await formCase.url();
  const name = postedName(field);
  const form: Form = { ...(await formCase.valid()), [name]: hostile.value };
  const response = formCase.htmx
    ? await session.htmx('post', url, form)
    : await session.post(url, form);
  const problems: string[] = [];
  const problem = (text: string) => problems.push(`${hostile.name}: ${text}`);
  if (response.status >= 500) {
    problem(`answered ${response.status}`);
    return problems;
  }
  // C11: whatever happened, the answer names no internals.
  if (/QueryFailedError|node_modules|\.(ts|js):\d+:\d+\)/.test(response.text)) {
    problem('the answer shows internals (an error class, a stack frame or a source path)');
  }
  const want = expected(field, hostile);
  const succeeded = formCase.htmx ? response.status === 200 : response.status === 303;
  const errorId = field.errorId ?? `${name}-error`;
  if (want.outcome === 'refused' && succeeded) {
    problem(`accepted (${response.status}) where a field error was due`);
  }
  if (want.outcome === 'stored' && !succeeded) {
    problem(
      `refused (${response.status}) a valid value: ${fieldMessage(response.text, errorId) ?? response.text.slice(0, 300)}`,
    );
  }
  if (!succeeded) {
    if (response.status !== 422) {
      problem(`answered ${response.status} instead of 422`);
    }
    const message = fieldMessage(response.text, errorId);
    if (!message || !CJK.test(message)) {
      problem(`no Chinese message at ${errorId}`);
    }
    // What was typed comes back (the 1 MiB value only needs the message).
    if (
      field.echo !== false &&
      hostile !== HUGE_STRING &&
      !response.text.includes(escape(hostile.value)) &&
      !response.text.includes(escape(hostile.value.trim())) &&
      !response.text.includes(escape(hostile.value.replace(BIDI_CONTROLS, '').trim()))
    ) {
      problem('the typed value is not echoed back');
    }
    // Nothing else typed is lost: the other text fields come back as typed.
    for (const other of field.keepsOthers === false ? [] : formCase.fields) {
      const typed = form[postedName(other)];
      if (other !== field && other.kind === 'text' && typeof typed === 'string' && typed !== '') {
        if (!response.text.includes(escape(typed))) {
          problem(`the other field ${postedName(other)} lost what was typed`);
        }
      }
    }
  }
  if (succeeded && want.outcome === 'stored' && formCase.read) {
    const location = formCase.htmx
      ? idOf(url.replace(/\/transitions$/, ''))
      : String(response.headers.location);
    const stored = (await formCase.read({ location, form }))[field.name];
    if (stored !== want.stored) {
      problem(
        `stored ${JSON.stringify(String(stored).slice(0, 60))} instead of ${JSON.stringify(want.stored.slice(0, 60))}`,
      );
    }
    // The record page (for a draft: its edit form) shows the text exactly as stored: checked
    // for the strings whose rendering can go wrong (line breaks, markup, template syntax).
    if (!formCase.htmx && formCase.page !== false && /[\n"<{]/.test(want.stored)) {
      const shownAt = formCase.recordPage?.() ?? location;
      const page = await session.agent.get(shownAt);
      if (page.status !== 200 || !page.text.includes(escape(want.stored))) {
        problem(`the page ${shownAt} (${page.status}) does not show the stored text as it is`);
      }
    }
  }
  return problems;
}

/** One test per form field, each posting all its strings and listing every problem at once. */
export function describeFormFuzz(cases: FormCase[]): void {
  for (const formCase of cases) {
    describe(formCase.name, () => {
      for (const field of formCase.fields) {
        it(`should refuse or store exactly every hostile string in ${field.name}`, async () => {
          const strings = [
            ...(field.strings ?? REPRESENTATIVE_STRINGS),
            ...(field.huge ? [HUGE_STRING] : []),
          ];
          const problems: string[] = [];
          for (const hostile of strings) {
            problems.push(...(await fuzz(formCase, field, hostile)));
          }
          expect(problems).toEqual([]);
        });
      }
    });
  }
}

/** What every fuzz file needs: one logged-in session per user, and database reads. */
export function fuzzHelpers(testApp: () => TestApp) {
  const sessions = new Map<string, HttpSession>();
  const query = <T>(sql: string, params: unknown[] = []) =>
    testApp().dataSource.query<T[]>(sql, params);
  return {
    /** The user's session, logged in once (the user is looked up when the test runs). */
    as: (user: () => TestUser) => async () => {
      const who = user();
      let session = sessions.get(who.mobile);
      if (!session) {
        session = await login(testApp().server, who.mobile, who.password);
        sessions.set(who.mobile, session);
      }
      return session;
    },
    query,
    /** The first row of a read-back query (a read-back that finds nothing is a broken case). */
    one: async (sql: string, params: unknown[]) => {
      const rows = await query<Record<string, unknown>>(sql, params);
      if (!rows[0]) {
        throw new Error(`Nothing read back by ${sql}`);
      }
      return rows[0];
    },
    dictionaryId: async (kind: string, code: string) =>
      (
        await query<{ id: number }>(
          `SELECT id FROM dictionary_items WHERE kind = $1 AND code = $2`,
          [kind, code],
        )
      )[0].id,
  };
}
