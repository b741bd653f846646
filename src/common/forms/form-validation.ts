import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { UnprocessableEntityException } from '@nestjs/common';
import { validate, type ValidationError } from 'class-validator';

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
 * Turns a posted form into a validated DTO. Unknown fields are dropped (whitelist), so a form can
 * never set a column it does not show.
 */
export async function validateForm<T extends object>(
  dto: ClassConstructor<T>,
  body: unknown,
): Promise<FormResult<T>> {
  const instance = plainToInstance(dto, body ?? {}, { exposeDefaultValues: true });
  const errors = await validate(instance, { whitelist: true, forbidUnknownValues: false });
  return errors.length === 0
    ? { ok: true, data: instance }
    : { ok: false, errors: collect(errors) };
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
 * The life of a posted form: validate the DTO, then save; any field error (from the DTO or a
 * FormInvalidException of the service) re-renders the form with what was typed.
 */
export async function handleForm<T extends object, R>(
  dto: ClassConstructor<T>,
  body: unknown,
  rerender: (values: Record<string, unknown>, errors: FieldErrors) => Promise<R> | R,
  save: (data: T) => Promise<R>,
): Promise<R> {
  const form = await validateForm(dto, body);
  if (!form.ok) {
    return rerender(formValues(body), form.errors);
  }
  try {
    return await save(form.data);
  } catch (error) {
    if (error instanceof FormInvalidException) {
      return rerender(formValues(body), error.errors);
    }
    throw error;
  }
}
