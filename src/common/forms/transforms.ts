import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { uploadedFileIds } from './uploaded-files.js';

/**
 * The bidirectional formatting characters (embeddings, overrides, isolates, LRM/RLM, the Arabic
 * letter mark). None belongs in a title or a file name, and an override makes "\u202egnp.exe"
 * read as "exe.png": they are removed from every stored text field and file name.
 */
export const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function stripBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, '');
}

/** Trims a posted string and drops bidi controls; anything that is not a string becomes undefined. */
export const Trim = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? stripBidiControls(value).trim() : undefined,
  );

/** Checkbox groups post one string or several: always an array of strings. */
export const ToStringArray = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => uploadedFileIds(value));

/** A single checkbox: present means true. */
export const ToBoolean = (): PropertyDecorator =>
  Transform(
    ({ value }: { value: unknown }) =>
      value === true || value === 'on' || value === 'true' || value === '1',
  );

const INT4_MIN = -2_147_483_648;
const INT4_MAX = 2_147_483_647;

/**
 * A posted whole number as a PostgreSQL int4 (every integer column a form writes: ids, sort
 * orders, years): plain decimal digits within ±2,147,483,647. Anything else (`1e3`, `0x10`,
 * `99999999999999999999`, `1.5`, full-width digits) stays as typed so `@IsInt` reports it next to
 * the field instead of PostgreSQL answering "out of range" as a 500.
 */
function toInt4(value: unknown): unknown {
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= INT4_MIN && value <= INT4_MAX
      ? value
      : String(value);
  }
  if (typeof value !== 'string' || !/^[+-]?[0-9]{1,10}$/.test(value.trim())) {
    return value;
  }
  const number = Number(value.trim());
  return number >= INT4_MIN && number <= INT4_MAX ? number : value;
}

/** An integer field (empty means undefined); a non-number stays as typed so validation reports it. */
export const ToInteger = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => {
    if (value === undefined || value === null || value === '') {
      return undefined;
    }
    return toInt4(value);
  });

/** A group of integer fields (checkboxes of ids): always an array, each item as `ToInteger`. */
export const ToIntegerArray = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    (Array.isArray(value) ? value : value === undefined || value === '' ? [] : [value]).map(toInt4),
  );

/** A required text field: trimmed, not empty, at most `max` characters, with Chinese messages. */
export const RequiredText = (label: string, max: number): PropertyDecorator =>
  applyDecorators(
    Trim(),
    IsString({ message: `请填写${label}` }),
    IsNotEmpty({ message: `请填写${label}` }),
    MaxLength(max, { message: `${label}不能超过 ${max} 字` }),
  );

/** An optional text field: trimmed, at most `max` characters. */
export const OptionalText = (label: string, max: number): PropertyDecorator =>
  applyDecorators(
    Trim(),
    IsOptional(),
    IsString(),
    MaxLength(max, { message: `${label}不能超过 ${max} 字` }),
  );
