import { Controller, Get, Query, Render } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-context.js';
import { CurrentUser } from '../auth/auth.decorators.js';
import { parsePage } from '../common/http/pagination.js';
import { searchText } from '../common/http/search-text.js';
import { SearchQueries } from './search.queries.js';

/** The longest query the box takes (a title is at most 300 characters). */
export const SEARCH_MAX_LENGTH = 100;

function pageHref(q: string, page: number): string {
  return `/search?${new URLSearchParams({ q, page: String(page) }).toString()}`;
}

@Controller()
export class SearchController {
  constructor(private readonly queries: SearchQueries) {}

  /** 全局搜索: records of every module by title and main text, within what the user may read. */
  @Get('search')
  @Render('search/results.hbs')
  async search(@CurrentUser() user: AuthUser, @Query() query: Record<string, unknown>) {
    const q = searchText(query.q, SEARCH_MAX_LENGTH);
    const page = parsePage(query.page);
    if (!q) {
      return { title: '搜索', q: '', searched: false, hits: [] };
    }
    const { hits, hasNext } = await this.queries.search(user, q, page);
    return {
      title: `搜索：${q}`,
      q,
      searched: true,
      hits,
      page,
      prevHref: page > 1 ? pageHref(q, page - 1) : undefined,
      nextHref: hasNext ? pageHref(q, page + 1) : undefined,
    };
  }
}
