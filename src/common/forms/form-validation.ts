import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { UnprocessableEntityException } from '@nestjs/common';
import { validate, type ValidationError } from 'class-validator';
import { uploadRefusals } from './uploaded-files.js';

/** Field name → Chinese messages, as templates show them next to each field. */
export type FieldErrors = Record<string, string[]>;

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

function collect(errors: ValidationError[], prefix = '', into: FieldErrors = {}): FieldErrors {
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) {
      into[field] = Object.values(error.constraints);
    }
    if (error.children?.length) {
      collect(error.children, field, into);
    }
  }
  return into;
}

/**
 * C0 control characters other than tab, LF and CR (and the non-characters U+FFFE/U+FFFF): no text
 * field keeps them. PostgreSQL refuses NUL in text, and XML (so an .xlsx export) refuses them all.
 */
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

export const CONTROL_CHARACTER_MESSAGE = '含有不可见的控制字符，请删除后重新填写';

export function hasControlCharacters(value: unknown): boolean {
  return Array.isArray(value)
    ? value.some(hasControlCharacters)
    : typeof value === 'string' && CONTROL_CHARACTERS.test(value);
}

/**
 * A field error for every named field (all fields when no names are given) whose posted text holds
 * a control character: for the forms parsed by hand rather than through a DTO.
 */
export function controlCharacterErrors(
  fields: Record<string, unknown>,
  names: readonly string[] = Object.keys(fields),
): FieldErrors {
  const errors: FieldErrors = {};
  for (const name of names) {
    if (hasControlCharacters(fields[name])) {
      errors[name] = [CONTROL_CHARACTER_MESSAGE];
    }
  }
  return errors;
}

/**
 * The rules of a form a DTO cannot express (a taken mobile number, 三员分立, a wrong old password),
 * as field errors rather than thrown. `failed` names the fields the DTO already refused: their
 * values may be of any type, so a rule that reads one of them is skipped.
 */
export type FormRules<T> = (
  form: T,
  failed: ReadonlySet<string>,
) => Promise<FieldErrors> | FieldErrors;

/** Field errors of several checks together, each field's messages in order and without repeats. */
export function mergeFieldErrors(...all: FieldErrors[]): FieldErrors {
  const merged: FieldErrors = {};
  for (const errors of all) {
    for (const [field, messages] of Object.entries(errors)) {
      merged[field] = [...new Set([...(merged[field] ?? []), ...messages])];
    }
  }
  return merged;
}

/**
 * Turns a posted form into a validated DTO. Unknown fields are dropped (whitelist), so a form can
 * never set a column it does not show; text with control characters is refused field by field.
 *
 * When the DTO refuses the form and `rules` are given, they run too (skipping the refused fields)
 * and their errors join the DTO's, so that the user sees every problem at once. When the DTO
 * accepts the form they are not run here: the service runs them on save and throws them all as one
 * FormInvalidException (so a costly or audited rule runs once).
 */
export async function validateForm<T extends object>(
  dto: ClassConstructor<T>,
  body: unknown,
  rules?: FormRules<T>,
): Promise<FormResult<T>> {
  const instance = plainToInstance(dto, body ?? {}, { exposeDefaultValues: true });
  const errors = collect(await validate(instance, { whitelist: true, forbidUnknownValues: false }));
  // After validation the instance holds only the DTO's own (whitelisted, trimmed) fields.
  for (const [field, messages] of Object.entries(
    controlCharacterErrors(instance as Record<string, unknown>),
  )) {
    errors[field] = [...messages, ...(errors[field] ?? [])];
  }
  // A file the form posted with its fields and that was refused (form-uploads.ts): nothing is
  // saved, and the rules run too so that every problem shows at once. The refusal is what its
  // field says (not also "请上传…": the user did choose a file).
  const refused = uploadRefusals(body) ?? {};
  if (Object.keys(errors).length === 0 && Object.keys(refused).length === 0) {
    return { ok: true, data: instance };
  }
  // A nested field's error (`items.0.name`) marks its top-level field as failed too.
  const failed = new Set(Object.keys(errors).flatMap((field) => [field, field.split('.')[0]]));
  const all = mergeFieldErrors(errors, rules ? await rules(instance, failed) : {});
  return { ok: false, errors: { ...all, ...refused } };
}

/**
 * Thrown by services for rules a DTO cannot check (a taken mobile number, a wrong old password).
 * Controllers re-render the form with the errors; one that escapes still answers 422 with the
 * messages, never a 500.
 */
export class FormInvalidException extends UnprocessableEntityException {
  constructor(readonly errors: FieldErrors) {
    super(Object.values(errors).flat().join('；'));
  }

  static field(field: string, message: string): FormInvalidException {
    return new FormInvalidException({ [field]: [message] });
  }
}

/**
 * For forms read by hand (not through validateForm): the files the form posted and that were
 * refused, thrown as the form's errors before anything is saved.
 */
export function refuseRejectedUploads(body: unknown): void {
  const refused = uploadRefusals(body);
  if (refused) {
    throw new FormInvalidException(refused);
  }
}

/** Form values as strings for re-rendering, without any password or token. */
export function formValues(body: unknown): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  if (body && typeof body === 'object') {
    for (const [key, value] of Object.entries(body)) {
      if (!/password|_csrf/i.test(key)) {
        values[key] = value;
      }
    }
  }
  return values;
}

/**
 * The life of a posted form: validate the DTO (with the service's `rules` when it fails, see
 * validateForm), then save; any field error (from the DTO, the rules or a FormInvalidException of
 * the service) re-renders the form with what was typed.
 */
export async function handleForm<T extends object, R>(
  dto: ClassConstructor<T>,
  body: unknown,
  rerender: (values: Record<string, unknown>, errors: FieldErrors) => Promise<R> | R,
  save: (data: T) => Promise<R>,
  rules?: FormRules<T>,
): Promise<R> {
  const form = await validateForm(dto, body, rules);
  if (!form.ok) {
    return rerender(formValues(body), form.errors);
  }
  const data = form.data;
  return unlessRefused(
    () => save(data),
    (errors) => rerender(formValues(body), errors),
  );
}

/**
 * Runs a save; when the service refuses it with field errors (`FormInvalidException`) the form is
 * shown again with them (`refused`, status 422 in place). Anything else propagates.
 */
export async function unlessRefused<R, S = R>(
  act: () => Promise<R>,
  refused: (errors: FieldErrors) => Promise<S> | S,
): Promise<R | S> {
  try {
    return await act();
  } catch (error) {
    if (error instanceof FormInvalidException) {
      return refused(error.errors);
    }
    throw error;
  }
}
