import { applyDecorators } from '@nestjs/common';
import { IsBoolean, IsInt, IsString, Matches } from 'class-validator';
import { ToBoolean, ToInteger, ToStringArray, Trim } from '../common/forms/transforms.js';

// The field shapes the record and office forms share (applyDecorators applies the innermost first).

/** A checkbox: true when ticked; give the property `= false` for a form that does not post it. */
export const Checkbox = (): PropertyDecorator => applyDecorators(IsBoolean(), ToBoolean());

/** One id chosen in a <select> (a unit, a dictionary item); `message` when none is chosen. */
export const ChosenId = (message: string): PropertyDecorator =>
  applyDecorators(IsInt({ message }), ToInteger());

/** A date typed as 年-月-日, trimmed; `message` names the field (the rules check the day exists). */
export const DateField = (message: string): PropertyDecorator =>
  applyDecorators(Matches(/^\d{4}-\d{2}-\d{2}$/, { message }), Trim());

/** Repeated inputs of one name (a table's rows): always a list of strings; give it `= []`. */
export const TextList = (): PropertyDecorator =>
  applyDecorators(IsString({ each: true }), ToStringArray());
