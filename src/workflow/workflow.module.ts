import { Global, Module } from '@nestjs/common';
import { BulkReviewService } from './bulk-review.service.js';
import { InboxController } from './inbox.controller.js';
import { NavigationBadges } from './navigation-badges.js';
import { NotificationsController } from './notifications.controller.js';
import { NotificationsService } from './notifications.service.js';
import { WorkflowController } from './workflow.controller.js';
import { WorkflowNotifier } from './workflow-notifier.js';
import { WorkflowPanelBuilder } from './workflow-panel.js';
import { WorkflowQueries } from './workflow-queries.js';
import { WorkflowRegistry } from './workflow-registry.js';
import { WorkflowService } from './workflow.service.js';

/** The shared review engine: every module registers its record types and renders the shared panel. */
@Global()
@Module({
  controllers: [WorkflowController, InboxController, NotificationsController],
  providers: [
    WorkflowRegistry,
    WorkflowService,
    WorkflowQueries,
    WorkflowNotifier,
    WorkflowPanelBuilder,
    NotificationsService,
    NavigationBadges,
    BulkReviewService,
  ],
  exports: [
    WorkflowRegistry,
    WorkflowService,
    WorkflowQueries,
    WorkflowPanelBuilder,
    NavigationBadges,
  ],
})
export class WorkflowModule {}
