import { Injectable } from '@nestjs/common';
import type { AuditCodeKind } from './audit-detail.js';

/**
 * The labels of codes that modules above the audit log record in its details (the workflow's
 * states and actions), registered by those modules at start: the audit log imports none of them.
 */
@Injectable()
export class AuditCodeLabels {
  private readonly labels: Partial<Record<AuditCodeKind, Readonly<Record<string, string>>>> = {};

  register(kind: AuditCodeKind, labels: Readonly<Record<string, string>>): void {
    this.labels[kind] = labels;
  }

  all(): Partial<Record<AuditCodeKind, Readonly<Record<string, string>>>> {
    return this.labels;
  }
}
