import { Injectable, NotFoundException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth-context.js';
import { hasRole } from '../auth/auth-context.js';
import { FormInvalidException, type FieldErrors } from '../common/forms/form-validation.js';
import { chinaDate, parseChinaDate } from '../common/time/china-time.js';
import { Clock } from '../common/time/clock.js';
import { insertRow } from '../database/sql.js';
import { RecordKit } from '../workflow/record-kit/record-kit.js';
import type { WorkflowItemRow } from '../workflow/workflow-item.js';
import type { RiskEventDto } from './dto/risk-event.dto.js';
import {
  RISK_TYPE,
  RiskQueries,
  type RiskEventRow,
  type RiskLedgerFilter,
} from './risk.queries.js';
import type { LedgerReader } from '../workflow/record-kit/ledger-routes.js';
import { visibleRecord } from '../workflow/record-kit/visible-record.js';

export { RiskEventDto } from './dto/risk-event.dto.js';
export { RISK_TYPE, type RiskEventRow, type RiskLedgerFilter } from './risk.queries.js';

/**
 * 改革风险 (有事法则): only units with the risk_reporter capability file events (own reviewer →
 * office); the district involved sees approved events; the deduction in force at approval is stored.
 */
@Injectable()
export class RiskService {
  constructor(
    private readonly kit: RecordKit,
    private readonly queries: RiskQueries,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async options() {
    return {
      levels: await this.queries.levels(),
      districts: await this.queries.districts(),
      projects: await this.queries.projects(),
    };
  }

  isReporter(user: AuthUser): boolean {
    return user.unitCapabilities.includes('risk_reporter');
  }

  /**
   * The rules of the event form a DTO cannot check (a date not after today, an active level, the
   * district or project involved), all at once. Fields the DTO refused (`failed`) are not checked
   * (see validateForm).
   */
  async formErrors(
    form: RiskEventDto,
    failed: ReadonlySet<string> = new Set(),
  ): Promise<FieldErrors> {
    const errors: FieldErrors = {};
    if (!failed.has('occurredOn')) {
      const occurredOn = parseChinaDate(form.occurredOn);
      if (!occurredOn || occurredOn > chinaDate(this.clock.now())) {
        errors.occurredOn = ['请填写有效的发生时间（不晚于今天）'];
      }
    }
    const { levels, districts, projects } = await this.options();
    if (!failed.has('levelCode') && !levels.some((level) => level.code === form.levelCode)) {
      errors.levelCode = ['请选择类型与等级'];
    }
    if (!failed.has('involvedKind')) {
      const involvesProject = form.involvedKind === 'project';
      if (
        !involvesProject &&
        !failed.has('involvedUnitId') &&
        !districts.some((district) => district.id === form.involvedUnitId)
      ) {
        errors.involvedUnitId = ['请选择涉及区县'];
      }
      if (
        involvesProject &&
        !failed.has('involvedProjectId') &&
        !projects.some((project) => project.id === form.involvedProjectId)
      ) {
        errors.involvedProjectId = ['请选择涉及的市级重大改革项目'];
      }
    }
    return errors;
  }

  async create(form: RiskEventDto, user: AuthUser, ip?: string): Promise<string> {
    if (!hasRole(user, 'entry') || !this.isReporter(user)) {
      throw new NotFoundException();
    }
    const errors = await this.formErrors(form);
    if (Object.keys(errors).length > 0) {
      throw new FormInvalidException(errors);
    }
    const { levels } = await this.options();
    const involvesProject = form.involvedKind === 'project';
    const title = `${levels.find((level) => level.code === form.levelCode)!.label}（${form.occurredOn}）`;
    return this.kit.fileRecord(
      { type: RISK_TYPE, title, ownerUnitId: user.unitId, submit: form.submit },
      user,
      ip,
      (manager, id) =>
        insertRow(manager, 'risk_events', {
          id,
          lineage_id: id,
          unit_id: user.unitId,
          occurred_on: form.occurredOn,
          level_code: form.levelCode,
          involved_unit_id: involvesProject ? null : form.involvedUnitId,
          involved_project_id: involvesProject ? form.involvedProjectId : null,
          details: form.details,
        }),
    );
  }

  /**
   * The district involved (or the involved project's responsible unit) reads the event once the
   * office approved it, as its ledger shows it; while it is under review it is the reporter's and
   * the office's.
   */
  async viewerUnitIds(item: WorkflowItemRow): Promise<number[]> {
    return item.state === 'approved' ? this.queries.involvedUnitIds(item.id) : [];
  }

  /** The deduction in force now is frozen on the event: later changes of the values never apply back. */
  async onApproved(manager: EntityManager, item: WorkflowItemRow): Promise<void> {
    await this.queries.freezeDeduction(manager, item.id);
  }

  async setDeduction(
    levelCode: string,
    points: number,
    user: AuthUser,
    ip?: string,
  ): Promise<void> {
    if (!Number.isFinite(points) || points < 0 || points > 100) {
      throw FormInvalidException.field(levelCode, '扣分须为 0–100 之间的数');
    }
    await this.kit.transaction(async (manager) => {
      const previous = await this.queries.setDeduction(manager, levelCode, points);
      if (previous === undefined) {
        throw new NotFoundException();
      }
      await this.audit.record(
        {
          action: 'deduction_updated',
          actor: user,
          ip,
          target: { type: 'risk_deduction', id: levelCode, label: levelCode },
          detail: { points: [previous, points] },
        },
        manager,
      );
    });
  }

  async page(id: string, user: AuthUser) {
    const { item, row } = await visibleRecord(this.kit, RISK_TYPE, id, user, this.queries);
    return { item, event: row };
  }

  /** Ledger: reporters see their own events in any state; others the approved events they may read. */
  readonly ledger: LedgerReader<RiskLedgerFilter, RiskEventRow> = (...page) =>
    this.queries.ledger(...page);

  /** 风险管控力: per district, approved events and the deductions stored with them. */
  deductionsByDistrict(from: string, to: string) {
    return this.queries.deductionsByDistrict(from, to);
  }

  /** Approved events from `from` to `to` involving districts or major projects. */
  approvedEvents(target: 'district' | 'project', from: string, to: string) {
    return this.queries.approvedEvents(target, from, to);
  }
}
