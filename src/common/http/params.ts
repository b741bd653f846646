import { BadRequestException, NotFoundException, type PipeTransform } from '@nestjs/common';

/**
 * The one place that turns ids, page numbers and other numbers of a request (path, query string,
 * form) into values: every controller uses these instead of a parser of its own. A value that is
 * present but not acceptable answers 400 with a Chinese message naming the parameter (never a
 * PostgreSQL overflow turned 500); an absent or empty optional value is `undefined`.
 */

/** Largest value of a PostgreSQL int4 column (serial ids, most counts). */
export const INT4_MAX = 2_147_483_647;

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const DIGITS = /^[0-9]{1,10}$/;

/** The first value when a parameter is repeated (`?unit=1&unit=2`). */
function first(value: unknown): unknown {
  return Array.isArray(value) ? (value as unknown[])[0] : value;
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

export function badParameter(name: string, what = '有效的编号'): BadRequestException {
  return new BadRequestException(`参数「${name}」不是${what}，请检查链接或重新选择`);
}

/** A positive int4 id (1 … 2,147,483,647) or undefined when absent; anything else is a 400. */
export function optionalId(value: unknown, name: string): number | undefined {
  const raw = first(value);
  if (isAbsent(raw)) {
    return undefined;
  }
  return requireId(raw, name);
}

/** A positive int4 id; absent or anything else is a 400. */
export function requireId(value: unknown, name: string): number {
  const raw = first(value);
  const text = typeof raw === 'number' ? String(raw) : raw;
  if (typeof text !== 'string' || !DIGITS.test(text.trim())) {
    throw badParameter(name);
  }
  const number = Number(text.trim());
  if (number < 1 || number > INT4_MAX) {
    throw badParameter(name);
  }
  return number;
}

/** A UUID (records, attachments) or undefined when absent; anything else is a 400. */
export function optionalUuid(value: unknown, name: string): string | undefined {
  const raw = first(value);
  if (isAbsent(raw)) {
    return undefined;
  }
  if (typeof raw !== 'string' || !UUID_PATTERN.test(raw)) {
    throw badParameter(name);
  }
  return raw.toLowerCase();
}

/** A whole number in [min, max] or undefined when absent; anything else is a 400. */
export function optionalInt(
  value: unknown,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const raw = first(value);
  if (isAbsent(raw)) {
    return undefined;
  }
  const text = typeof raw === 'number' ? String(raw) : raw;
  if (typeof text !== 'string' || !/^-?[0-9]{1,16}$/.test(text.trim())) {
    throw badParameter(name, `${min}–${max} 之间的整数`);
  }
  const number = Number(text.trim());
  if (number < min || number > max) {
    throw badParameter(name, `${min}–${max} 之间的整数`);
  }
  return number;
}

/** Pipe form of `requireId` for `@Param('id', IdPipe)`. */
export class IdPipe implements PipeTransform<unknown, number> {
  constructor(private readonly name = 'id') {}
  transform(value: unknown): number {
    return requireId(value, this.name);
  }
}

/** Pipe form of a required UUID for `@Param('id', UuidPipe)`. */
export class UuidPipe implements PipeTransform<unknown, string> {
  constructor(private readonly name = 'id') {}
  transform(value: unknown): string {
    const id = optionalUuid(value, this.name);
    if (id === undefined) {
      throw badParameter(this.name);
    }
    return id;
  }
}

/**
 * Path ids of records (`/demands/:id`, `/admin/units/:id`): a malformed one addresses nothing, so
 * it answers 404 like an id outside the user's scope (a probe learns nothing from the difference),
 * never a 500 from PostgreSQL. Query parameters (filters) answer 400 instead: the user can fix them.
 */
export class RecordIdPipe implements PipeTransform<unknown, number> {
  transform(value: unknown): number {
    try {
      return requireId(value, 'id');
    } catch {
      throw new NotFoundException();
    }
  }
}

/** Path UUIDs of records: malformed → 404 (see RecordIdPipe). */
export class RecordUuidPipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    const id = typeof value === 'string' && UUID_PATTERN.test(value) ? value : undefined;
    if (id === undefined) {
      throw new NotFoundException();
    }
    return id.toLowerCase();
  }
}

/**
 * An id typed into a form that is being shown again (a 422 re-render, a dependent select): a
 * malformed one is simply no choice (the form's own validation names the field), never a 400 that
 * would lose what was typed.
 */
export function lenientId(value: unknown): number | undefined {
  try {
    return optionalId(value, 'id');
  } catch {
    return undefined;
  }
}

/** Path positions counted from 0 (a report's rows): malformed or outside int4 → 404. */
export class RecordIndexPipe implements PipeTransform<unknown, number> {
  transform(value: unknown): number {
    try {
      const index = optionalInt(value, 'position', 0, INT4_MAX);
      if (index === undefined) {
        throw new NotFoundException();
      }
      return index;
    } catch {
      throw new NotFoundException();
    }
  }
}
