export const DEFAULT_PAGE_SIZE = 20;

export interface Pagination {
  page: number;
  pages: number;
  total: number;
  pageSize: number;
  prevHref?: string;
  nextHref?: string;
  /** The total is a lower bound: the ledger stopped counting a few pages ahead. */
  more?: boolean;
  /**
   * The page asked for lies past the last one: page > 1 with no rows (a ledger counting with
   * `count(*) OVER ()` on the page gets 0 there, so no separate count is needed).
   */
  pastEnd: boolean;
  /** Page 1 with the same filters: the way back from past the end. */
  firstHref: string;
}

/** A page number from the query string: anything odd becomes 1. */
export function parsePage(raw: unknown): number {
  const page = Number(raw);
  return Number.isInteger(page) && page >= 1 && page <= 100_000 ? page : 1;
}

/** A ledger's 批量下载 link: its export route with every filter of the list, without the page. */
export function exportHref(basePath: string, query: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (key !== 'page' && value !== undefined && value !== null) {
      for (const item of Array.isArray(value) ? value : [value]) {
        params.append(key, String(item));
      }
    }
  }
  const search = params.toString();
  return `${basePath}/export${search ? `?${search}` : ''}`;
}

/** Links keep every filter of the current query and change only the page. */
export function buildPagination(
  basePath: string,
  query: Record<string, unknown>,
  page: number,
  total: number,
  pageSize = DEFAULT_PAGE_SIZE,
  more = false,
): Pagination {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const hrefFor = (target: number): string => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (key !== 'page' && value !== undefined && value !== null && value !== '') {
        for (const item of Array.isArray(value) ? value : [value]) {
          params.append(key, String(item));
        }
      }
    }
    params.set('page', String(target));
    return `${basePath}?${params.toString()}`;
  };
  return {
    page,
    pages,
    total,
    pageSize,
    prevHref: page > 1 ? hrefFor(page - 1) : undefined,
    nextHref: page < pages ? hrefFor(page + 1) : undefined,
    more,
    pastEnd: page > pages,
    firstHref: hrefFor(1),
  };
}
