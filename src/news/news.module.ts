import { Module, type OnModuleInit } from '@nestjs/common';
import { CHAINS } from '../workflow/workflow-chain.js';
import { WorkflowRegistry } from '../workflow/workflow-registry.js';
import { NewsRequestsQueries } from './news-requests.queries.js';
import { NewsController } from './news.controller.js';
import { NewsQueries } from './news.queries.js';
import { NEWS_TYPE, NewsService } from './news.service.js';

/** 工作动态: unit clerk → unit reviewer → office 审核; then 采用, 约稿, 《改革简报》 and the feed. */
@Module({
  controllers: [NewsController],
  providers: [NewsService, NewsQueries, NewsRequestsQueries],
  exports: [NewsService],
})
export class NewsModule implements OnModuleInit {
  constructor(private readonly registry: WorkflowRegistry) {}

  onModuleInit(): void {
    this.registry.register({
      type: NEWS_TYPE,
      label: '工作动态',
      moduleLabel: '工作动态',
      chain: CHAINS.ownReviewerThenOffice,
      link: (id) => `/news/${id}`,
    });
  }
}
