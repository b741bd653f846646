import { Global, Module } from '@nestjs/common';
import { AuditCodeLabels } from './audit-code-labels.js';
import { AuditLogController } from './audit-log.controller.js';
import { AuditLogQueries } from './audit-log.queries.js';
import { AccessRefusals } from './access-refusals.js';
import { AuditService } from './audit.service.js';

/** The audit log writer is used by every module, so it is global; the auditor's page reads it. */
@Global()
@Module({
  controllers: [AuditLogController],
  providers: [AuditService, AuditLogQueries, AccessRefusals, AuditCodeLabels],
  exports: [AuditService, AccessRefusals, AuditCodeLabels],
})
export class AuditModule {}
