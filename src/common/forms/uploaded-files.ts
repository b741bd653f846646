/**
 * The one place an uploaded-file field of a posted form is read: the attachment ids the upload
 * widget left in hidden inputs (one value or several, never anything but strings).
 */
export function uploadedFileIds(value: unknown): string[] {
  if (value === undefined || value === null || value === '') {
    return [];
  }
  return (Array.isArray(value) ? value : [value]).filter(
    (item): item is string => typeof item === 'string',
  );
}

/**
 * The files typed into a form being shown again (after an error): their ids, or undefined when
 * the form posted no such field (the record's stored files are shown then).
 */
export function typedFileIds(values: Record<string, unknown>, field: string): string[] | undefined {
  return values[field] === undefined ? undefined : uploadedFileIds(values[field]);
}

/**
 * Where a form posted with its files (multipart, JavaScript off) carries the files it refused:
 * field → messages, a hidden property of the body (attachments/form-uploads.ts) that validateForm
 * adds to the form's errors.
 */
export const UPLOAD_REFUSALS = Symbol('uploadRefusals');

/** The refused files of a posted form, by field; undefined when none was refused. */
export function uploadRefusals(body: unknown): Record<string, string[]> | undefined {
  return typeof body === 'object' && body !== null
    ? ((body as Record<symbol, Record<string, string[]> | undefined>)[UPLOAD_REFUSALS] ?? undefined)
    : undefined;
}
