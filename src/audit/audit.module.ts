import { Global, Module } from '@nestjs/common';
import { AuditService } from './audit.service.js';

/** The audit log writer is used by every module, so it is global. */
@Global()
@Module({ providers: [AuditService], exports: [AuditService] })
export class AuditModule {}
