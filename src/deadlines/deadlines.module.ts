import { Global, Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { WorkflowModule } from '../workflow/workflow.module.js';
import { CoreDueSources } from './core-due-sources.js';
import { DeadlineRegistry } from './deadline-registry.js';
import { DeadlineQueries } from './deadlines.queries.js';
import { RemindersService } from './reminders.service.js';
import { ReportingProgressController } from './reporting-progress.controller.js';
import { ReportingProgressService } from './reporting-progress.service.js';
import { WorkCalendarController } from './work-calendar.controller.js';
import { WorkCalendarService } from './work-calendar.service.js';

/**
 * Every due date in one place (the registry the modules' sources plug into), the work calendar,
 * the reminders (a scheduled job), the 填报进度 / 催报 board and the units' 待报送.
 */
@Global()
@Module({
  imports: [AuditModule, WorkflowModule],
  controllers: [ReportingProgressController, WorkCalendarController],
  providers: [
    DeadlineRegistry,
    DeadlineQueries,
    WorkCalendarService,
    CoreDueSources,
    RemindersService,
    ReportingProgressService,
  ],
  exports: [DeadlineRegistry, WorkCalendarService, ReportingProgressService, RemindersService],
})
export class DeadlinesModule {}
