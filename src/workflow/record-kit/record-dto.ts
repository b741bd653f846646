import { applyDecorators } from '@nestjs/common';
import { IsBoolean, IsInt, IsOptional, IsString, Matches } from 'class-validator';
import { ToBoolean, ToInteger, ToStringArray, Trim } from '../../common/forms/transforms.js';

/**
 * An upload field of a record form: the attachment ids the upload widget posts (one or several),
 * strings only. Give the property `= []` so a form without files posts an empty list.
 */
export const FileIds = (): PropertyDecorator =>
  applyDecorators(IsString({ each: true }), ToStringArray());

/** A select of an id (a unit, a dictionary item): a whole number, `message` when none is chosen. */
export const ChosenId = (message: string): PropertyDecorator =>
  applyDecorators(IsInt({ message }), ToInteger());

/** A checkbox of a record form: true when ticked. Give the property `= false`. */
export const Checkbox = (): PropertyDecorator => applyDecorators(IsBoolean(), ToBoolean());

/** A date typed as 年-月-日, trimmed; `message` names the field (the rules check the day exists). */
export const DateField = (message: string): PropertyDecorator =>
  applyDecorators(Matches(/^\d{4}-\d{2}-\d{2}$/, { message }), Trim());

/** Repeated inputs of one name (a table's rows): always a list of strings; give it `= []`. */
export const TextList = (): PropertyDecorator =>
  applyDecorators(IsString({ each: true }), ToStringArray());

/** A record form's 保存并上报 button: `submit` set means save and submit in one go. */
export abstract class SubmittableForm {
  @IsOptional()
  @ToBoolean()
  submit?: boolean;
}

/**
 * A record form's fields and the table columns they are stored in, written once and read both
 * ways: the columns a saved form writes, and the form values of a stored row (the page of an
 * editable revision is its form).
 */
export function formColumns<F extends string>(map: Readonly<Record<F, string>>) {
  const fields = Object.keys(map) as F[];
  return {
    row(form: Partial<Record<F, unknown>>): Record<string, unknown> {
      return Object.fromEntries(fields.map((field) => [map[field], form[field]]));
    },
    values(row: object): Record<F, unknown> {
      const stored = row as Record<string, unknown>;
      return Object.fromEntries(fields.map((field) => [field, stored[map[field]]])) as Record<
        F,
        unknown
      >;
    },
  };
}
