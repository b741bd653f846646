/** Control characters a search box never needs (PostgreSQL refuses NUL in a query parameter). */
const CONTROL_CHARACTERS = /[\u0000-\u001F\u007F]/g;

/**
 * A ledger's free-text filter (`?q=`): the first value when the parameter is repeated, without
 * control characters, trimmed, at most `max` characters; undefined when nothing is left.
 */
export function searchText(value: unknown, max = 100): string | undefined {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  if (typeof first !== 'string') {
    return undefined;
  }
  return first.replace(CONTROL_CHARACTERS, '').trim().slice(0, max) || undefined;
}
