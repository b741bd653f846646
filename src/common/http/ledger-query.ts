import { parseChinaDate } from '../time/china-time.js';
import {
  buildPagination,
  DEFAULT_PAGE_SIZE,
  exportHref,
  parsePage,
  type Pagination,
} from './pagination.js';
import { optionalId, optionalInt, optionalUuid } from './params.js';
import { searchText } from './search-text.js';

/**
 * A ledger's filter written once as data: which query parameter feeds which filter field and how
 * it is read. The same spec parses the list, its Excel export and its count, gives the filter form
 * its values back and says whether anything is filtered — the parts every ledger used to copy.
 */
export interface FilterField<T> {
  /** The query-string parameter (`unit` for `unitId`). */
  readonly param: string;
  /** Reads the raw parameter; odd values become undefined, a malformed id is a 400. */
  read(raw: unknown): T | undefined;
  /** The value the filter form shows (undefined → ''). */
  show?(value: T): string | number;
}

export const filterField = {
  /** A positive integer id (a unit, a dictionary item). */
  id: (param: string): FilterField<number> => ({ param, read: (raw) => optionalId(raw, param) }),
  uuid: (param: string): FilterField<string> => ({
    param,
    read: (raw) => optionalUuid(raw, param),
  }),
  int: (param: string, min: number, max: number): FilterField<number> => ({
    param,
    read: (raw) => optionalInt(raw, param, min, max),
  }),
  /** Free text, trimmed, control characters removed, at most `max` characters. */
  text: (param: string, max?: number): FilterField<string> => ({
    param,
    read: (raw) => searchText(raw, max),
  }),
  /** A calendar date `YYYY-MM-DD`. */
  date: (param: string): FilterField<string> => ({ param, read: (raw) => parseChinaDate(raw) }),
  /** One of a fixed list of codes; anything else is no filter. */
  oneOf: <T extends string>(param: string, values: readonly T[]): FilterField<T> => ({
    param,
    read: (raw) => {
      const value: unknown = Array.isArray(raw) ? raw[0] : raw;
      return (values as readonly unknown[]).includes(value) ? (value as T) : undefined;
    },
  }),
  /** `yes` / `no` in the query, true / false in the filter. */
  yesNo: (param: string): FilterField<boolean> => ({
    param,
    read: (raw) => (raw === 'yes' ? true : raw === 'no' ? false : undefined),
    show: (value) => (value ? 'yes' : 'no'),
  }),
};

type Spec = Record<string, FilterField<unknown>>;
export type FilterOf<S extends Spec> = {
  [K in keyof S]?: S[K] extends FilterField<infer T> ? T : never;
} & { page: number };

export interface LedgerQuery<S extends Spec> {
  parse(query: Record<string, unknown>): FilterOf<S>;
  /** The filter as the form shows it: every field, '' where not set. */
  formValues(filter: FilterOf<S>): Record<keyof S, string | number>;
  /** Whether any field is set (the page says 无匹配 rather than 暂无 when it is). */
  isFiltered(filter: FilterOf<S>): boolean;
  /**
   * What every ledger template reads besides its own options: the rows, the total, the filter
   * form's values, `filtered`, the 批量下载 link and the pager.
   */
  page<R>(
    basePath: string,
    query: Record<string, unknown>,
    filter: FilterOf<S>,
    result: { rows: R[]; total: number; more?: boolean },
    pageSize?: number,
  ): LedgerPage<R, S>;
}

export interface LedgerPage<R, S extends Spec> {
  rows: R[];
  total: number;
  filters: Record<keyof S, string | number>;
  filtered: boolean;
  exportHref: string;
  pagination: Pagination;
}

export function ledgerQuery<S extends Spec>(spec: S): LedgerQuery<S> {
  const keys = Object.keys(spec) as (keyof S & string)[];
  const formValues = (filter: FilterOf<S>) => {
    const values = {} as Record<keyof S, string | number>;
    for (const key of keys) {
      const value = filter[key] as unknown;
      const field = spec[key];
      values[key] =
        value === undefined || value === null
          ? ''
          : field.show
            ? field.show(value)
            : (value as string | number);
    }
    return values;
  };
  const isFiltered = (filter: FilterOf<S>) => keys.some((key) => filter[key] !== undefined);
  return {
    parse(query) {
      const filter = { page: parsePage(query.page) } as FilterOf<S>;
      for (const key of keys) {
        (filter as Record<string, unknown>)[key] = spec[key].read(query[spec[key].param]);
      }
      return filter;
    },
    formValues,
    isFiltered,
    page(basePath, query, filter, result, pageSize = DEFAULT_PAGE_SIZE) {
      return {
        rows: result.rows,
        total: result.total,
        filters: formValues(filter),
        filtered: isFiltered(filter),
        exportHref: exportHref(basePath, query),
        pagination: buildPagination(
          basePath,
          query,
          filter.page,
          result.total,
          pageSize,
          result.more,
        ),
      };
    },
  };
}

/** `<select>` options from a list of codes and their labels. */
export function optionsOf<T extends string>(
  values: readonly T[],
  labels: Readonly<Record<T, string>>,
): { value: T; label: string }[] {
  return values.map((value) => ({ value, label: labels[value] }));
}
