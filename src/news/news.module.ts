import { Module, type OnModuleInit } from '@nestjs/common';
import { toItem } from '../deadlines/core-due-sources.js';
import { DeadlineRegistry } from '../deadlines/deadline-registry.js';
import { CHAINS } from '../workflow/workflow-chain.js';
import { WorkflowRegistry } from '../workflow/workflow-registry.js';
import { BulletinsController } from './bulletins.controller.js';
import { BulletinsQueries } from './bulletins.queries.js';
import { BulletinsService } from './bulletins.service.js';
import { NewsRequestsController } from './news-requests.controller.js';
import { NewsRequestsQueries } from './news-requests.queries.js';
import { NewsRequestsService } from './news-requests.service.js';
import { NewsController } from './news.controller.js';
import { NEWS_LISTING, NewsQueries } from './news.queries.js';
import { NEWS_TYPE, NewsService } from './news.service.js';

/** 工作动态: unit clerk → unit reviewer → office 审核; then 采用, 约稿, 《改革简报》 and the feed. */
@Module({
  controllers: [NewsRequestsController, BulletinsController, NewsController],
  providers: [
    NewsService,
    NewsQueries,
    NewsRequestsQueries,
    NewsRequestsService,
    BulletinsService,
    BulletinsQueries,
  ],
  exports: [NewsService, NewsRequestsService, BulletinsService],
})
export class NewsModule implements OnModuleInit {
  constructor(
    private readonly registry: WorkflowRegistry,
    private readonly requests: NewsRequestsService,
    private readonly deadlines: DeadlineRegistry,
    private readonly requestQueries: NewsRequestsQueries,
  ) {}

  onModuleInit(): void {
    this.registry.registerInboxSection(async (user) => {
      if (!user.roles.includes('entry')) {
        return undefined;
      }
      const open = await this.requests.openForUnit(user.unitId);
      return {
        title: '待报送的约稿',
        rows: open.map((request) => ({
          href: `/news/requests/${request.id}`,
          title: request.topic,
          meta: `报送时限 ${request.deadline}`,
          flags: [
            request.overdue
              ? { label: '已逾期', kind: 'bad' as const }
              : { label: '待报送', kind: 'info' as const },
          ],
        })),
      };
    });
    this.registry.register({
      type: NEWS_TYPE,
      label: '工作动态',
      moduleLabel: '工作动态',
      chain: CHAINS.ownReviewerThenOffice,
      link: (id) => `/news/${id}`,
      listing: NEWS_LISTING,
    });
    // 约稿 deadlines in the one list of due dates: reminders before, on and after the day to the
    // units asked that have not filed an answer yet, and the 填报进度 board.
    this.deadlines.register({
      module: 'news_request',
      label: '工作动态约稿',
      cadence: 'once',
      rule: '市委改革办约稿后，被约稿单位在报送时限前报送一篇回应该约稿的工作动态（提交审核即为已报送）。',
      items: async (window) =>
        (await this.requestQueries.dueItems(window.from, window.to, window.unitId ?? null)).map(
          (row) =>
            toItem(
              'news_request',
              row,
              `/news/requests/${row.item_key.split(':')[0]}`,
              () => '约稿',
            ),
        ),
    });
  }
}
