import type { FieldErrors } from '../../common/forms/form-validation.js';

/** A record form's select of a dictionary item (a domain, a track): what must hold of the choice. */
export interface DictionaryChoice<F, K extends string> {
  field: keyof F & string;
  kind: K;
  /** The field of the item the chosen one must belong to (a track's domain). */
  within?: keyof F & string;
  /** The error when the chosen item is not an active one of `kind` (within its parent). */
  message: string;
}

/**
 * The rule every record form with dictionary selects has: a chosen item is an active item of its
 * kind (and a child of the item chosen in `within`). A choice left empty, or a field the DTO
 * refused (`failed`, its parent's too), is not checked.
 */
export async function dictionaryChoiceErrors<F extends object, K extends string>(
  dictionaries: { isActive(kind: K, id: number, parentId?: number): Promise<boolean> },
  form: F,
  failed: ReadonlySet<string>,
  choices: readonly DictionaryChoice<F, K>[],
): Promise<FieldErrors> {
  const errors: FieldErrors = {};
  for (const { field, kind, within, message } of choices) {
    const id = form[field] as number | undefined;
    if (id === undefined || failed.has(field) || (within && failed.has(within))) {
      continue;
    }
    const parentId = within === undefined ? undefined : (form[within] as number);
    if (!(await dictionaries.isActive(kind, id, parentId))) {
      errors[field] = [message];
    }
  }
  return errors;
}
