import { Global, Module, type OnModuleInit } from '@nestjs/common';
import { AuditCodeLabels } from '../audit/audit-code-labels.js';
import { WORKFLOW_STATE_LABELS } from './workflow-chain.js';
import { WORKFLOW_ACTION_LABELS } from './workflow-rules.js';
import { BulkReviewService } from './bulk-review.service.js';
import { InboxController } from './inbox.controller.js';
import { RecordFormViews } from './record-kit/record-forms.js';
import { RecordKit } from './record-kit/record-kit.js';
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
    RecordKit,
    RecordFormViews,
    BulkReviewService,
  ],
  exports: [
    WorkflowRegistry,
    WorkflowService,
    WorkflowQueries,
    WorkflowPanelBuilder,
    NavigationBadges,
    RecordKit,
    RecordFormViews,
  ],
})
export class WorkflowModule implements OnModuleInit {
  constructor(private readonly auditLabels: AuditCodeLabels) {}

  onModuleInit(): void {
    // The audit log shows the transitions' states and actions by these labels.
    this.auditLabels.register('workflowState', WORKFLOW_STATE_LABELS);
    this.auditLabels.register('workflowAction', WORKFLOW_ACTION_LABELS);
  }
}
