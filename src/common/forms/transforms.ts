import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { uploadedFileIds } from './uploaded-files.js';

/** Trims a posted string; anything that is not a string becomes undefined. */
export const Trim = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim() : undefined,
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

/** An integer field (empty means undefined); a non-number stays as typed so validation reports it. */
export const ToInteger = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => {
    if (value === undefined || value === null || value === '') {
      return undefined;
    }
    const number = Number(value);
    return Number.isInteger(number) ? number : value;
  });

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
