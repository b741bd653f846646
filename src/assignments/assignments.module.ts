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
    this.registry.registerInboxSection(async (user) => {
      if (!user.roles.includes('entry')) {
        return undefined;
      }
      const tasks = await this.assignments.tasksNeedingFeedback(user);
      return {
        title: '待反馈的交办任务',
        rows: tasks.map((task) => ({
          href: `/tasks/${task.id}`,
          title: task.title,
          meta: `反馈时限 ${task.deadline}`,
          flags: [
            ...(task.overdue ? [{ label: '已逾期', kind: 'bad' as const }] : []),
            ...(task.quarterlyDue ? [{ label: '待季度更新', kind: 'warn' as const }] : []),
            ...(!task.overdue && !task.quarterlyDue
              ? [{ label: '待首次反馈', kind: 'info' as const }]
              : []),
          ],
        })),
      };
    });
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
