import { Module, type OnModuleInit } from '@nestjs/common';
import { WorkflowRegistry } from '../workflow/workflow-registry.js';
import { CHAINS } from '../workflow/workflow-chain.js';
import { ASSIGNMENT_PROFILES } from './assignment-kinds.js';
import { assignmentsOfficeController } from './assignments-office.controller.js';
import { AssignmentStatsService } from './assignment-stats.service.js';
import { AssignmentsService } from './assignments.service.js';
import { DemandListImportController } from './demand-list-import.controller.js';
import { TasksController } from './tasks.controller.js';

/**
 * The assigned-task mechanism shared by the demand list and blockers: both progress record types
 * go own reviewer → office, and an approval updates the task's summary.
 */
@Module({
  controllers: [
    DemandListImportController,
    assignmentsOfficeController('demand_list'),
    assignmentsOfficeController('blocker'),
    TasksController,
  ],
  providers: [AssignmentsService, AssignmentStatsService],
  exports: [AssignmentsService, AssignmentStatsService],
})
export class AssignmentsModule implements OnModuleInit {
  constructor(
    private readonly registry: WorkflowRegistry,
    private readonly assignments: AssignmentsService,
  ) {}

  onModuleInit(): void {
    for (const profile of Object.values(ASSIGNMENT_PROFILES)) {
      this.registry.register({
        type: profile.progressType,
        label: profile.progressLabel,
        moduleLabel: profile.moduleLabel,
        chain: CHAINS.ownReviewerThenOffice,
        link: (id) => `/task-progress/${id}`,
        onApproved: (manager, item) => this.assignments.onProgressApproved(manager, item),
      });
    }
  }
}
