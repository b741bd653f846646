import { Module } from '@nestjs/common';
import { NewsModule } from '../news/news.module.js';
import { UsageDueFilingsService } from './usage-due-filings.service.js';
import { UsageEventsService } from './usage-events.service.js';
import { UsageReviewTimeService } from './usage-review-time.service.js';
import { UsageController } from './usage.controller.js';
import { UsageService } from './usage.service.js';

/** 系统使用情况考评: a read-only ranking of units over workflow events and due filings. */
@Module({
  imports: [NewsModule],
  controllers: [UsageController],
  providers: [UsageService, UsageEventsService, UsageDueFilingsService, UsageReviewTimeService],
})
export class UsageModule {}
