import { Injectable, NotFoundException } from '@nestjs/common';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth-context.js';
import { hasRole, seesAllApproved } from '../auth/auth-context.js';
import { FormInvalidException, type FieldErrors } from '../common/forms/form-validation.js';
import { DEFAULT_PAGE_SIZE } from '../common/http/pagination.js';
import { RequiredText, ToBoolean, ToInteger, Trim } from '../common/forms/transforms.js';
import { chinaDate, parseChinaDate } from '../common/time/china-time.js';
import { Clock } from '../common/time/clock.js';
import { SqlConditions } from '../database/sql.js';
import { WORKFLOW_STATE_LABELS, type WorkflowState } from '../workflow/workflow-chain.js';
import type { WorkflowItemRow } from '../workflow/workflow-item.js';
import { WorkflowService } from '../workflow/workflow.service.js';
import type { SqlRunner } from '../database/sql-runner.js';

export const RISK_TYPE = 'risk_event';

export class RiskEventDto {
  @Trim()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '请填写发生时间（年-月-日）' })
  occurredOn: string;

  @Trim()
  @IsString({ message: '请选择类型与等级' })
  @IsNotEmpty({ message: '请选择类型与等级' })
  levelCode: string;

  /** A risk event involves a district or a municipal major reform project. */
  @IsIn(['district', 'project'], { message: '请选择涉及区县或重大改革项目' })
  involvedKind: 'district' | 'project' = 'district';

  @IsOptional()
  @ToInteger()
  @IsInt({ message: '请选择涉及区县' })
  involvedUnitId?: number;

  @IsOptional()
  @Trim()
  @IsString()
  involvedProjectId?: string;

  @RequiredText('详情', 5000)
  details: string;

  @IsOptional()
  @ToBoolean()
  submit?: boolean;
}

export interface RiskEventRow {
  id: string;
  occurred_on: string;
  level_code: string;
  level_label: string;
  unit_name: string;
  /** The involved district's name, or the involved project's. */
  involved_unit_name: string;
  involved_project_id: string | null;
  details: string;
  deduction_applied: string | null;
  state: WorkflowState;
  stateLabel: string;
}

export interface RiskLedgerFilter {
  involvedUnitId?: number;
  involvedProjectId?: string;
  levelCode?: string;
  /** 发生时间 from / to, YYYY-MM-DD, both inclusive. */
  from?: string;
  to?: string;
  state?: WorkflowState;
  page: number;
}

/**
 * 改革风险 (有事法则): only units with the risk_reporter capability file events (own reviewer →
 * office); the district involved sees approved events; the deduction in force at approval is stored.
 */
@Injectable()
export class RiskService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly workflow: WorkflowService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async options() {
    return {
      levels: await this.dataSource.query<{ code: string; label: string; points: string }[]>(
        `SELECT d.code, d.label, r.points FROM dictionary_items d JOIN risk_deductions r ON r.level_code = d.code
          WHERE d.kind = 'risk_level' AND d.active ORDER BY d.sort_order`,
      ),
      districts: await this.dataSource.query<{ id: number; name: string }[]>(
        `SELECT id, name FROM units WHERE kind = 'district' AND active ORDER BY sort_order`,
      ),
      projects: await this.dataSource.query<{ id: string; name: string }[]>(
        `SELECT id, name FROM major_projects ORDER BY name`,
      ),
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
    const id = randomUUID();
    const title = `${levels.find((level) => level.code === form.levelCode)!.label}（${form.occurredOn}）`;
    await this.dataSource.transaction(async (manager) => {
      await this.workflow.createDraft(
        manager,
        { type: RISK_TYPE, id, title, ownerUnitId: user.unitId },
        user,
      );
      await manager.query(
        `INSERT INTO risk_events (id, lineage_id, unit_id, occurred_on, level_code, involved_unit_id, involved_project_id, details)
         VALUES ($1, $1, $2, $3, $4, $5, $6, $7)`,
        [
          id,
          user.unitId,
          form.occurredOn,
          form.levelCode,
          involvesProject ? null : form.involvedUnitId,
          involvesProject ? form.involvedProjectId : null,
          form.details,
        ],
      );
      if (form.submit) {
        await this.workflow.transition(id, { action: 'submit' }, user, ip, manager);
      }
    });
    return id;
  }

  /**
   * The district involved (or the involved project's responsible unit) reads the event once the
   * office approved it, as its ledger shows it; while it is under review it is the reporter's and
   * the office's.
   */
  async viewerUnitIds(item: WorkflowItemRow): Promise<number[]> {
    if (item.state !== 'approved') {
      return [];
    }
    const rows: { unit_id: number }[] = await this.dataSource.query(
      `SELECT coalesce(e.involved_unit_id, p.responsible_unit_id) AS unit_id
         FROM risk_events e LEFT JOIN major_projects p ON p.id = e.involved_project_id WHERE e.id = $1`,
      [item.id],
    );
    return rows.map((row) => row.unit_id);
  }

  /** The deduction in force now is frozen on the event: later changes of the values never apply back. */
  async onApproved(manager: EntityManager, item: WorkflowItemRow): Promise<void> {
    await manager.query(
      `UPDATE risk_events e SET deduction_applied = r.points FROM risk_deductions r WHERE e.id = $1 AND r.level_code = e.level_code`,
      [item.id],
    );
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
    await this.dataSource.transaction(async (manager) => {
      const rows: { points: string }[] = await manager.query(
        `SELECT points FROM risk_deductions WHERE level_code = $1`,
        [levelCode],
      );
      if (!rows[0]) {
        throw new NotFoundException();
      }
      await manager.query(
        `UPDATE risk_deductions SET points = $2, updated_at = now() WHERE level_code = $1`,
        [levelCode, points],
      );
      await this.audit.record(
        {
          action: 'deduction_updated',
          actor: user,
          ip,
          target: { type: 'risk_deduction', id: levelCode, label: levelCode },
          detail: { points: [Number(rows[0].points), points] },
        },
        manager,
      );
    });
  }

  async page(id: string, user: AuthUser) {
    const item = await this.workflow.findVisibleItem(id, user);
    const { rows } = await this.query(new SqlConditions([id]).raw('e.id = $1'), 1, 0);
    if (!rows[0] || item.record_type !== RISK_TYPE) {
      throw new NotFoundException();
    }
    return { item, event: rows[0] };
  }

  /** Ledger: reporters see their own events in any state; others the approved events they may read. */
  async ledger(
    user: AuthUser,
    filter: RiskLedgerFilter,
    pageSize = DEFAULT_PAGE_SIZE,
    db: SqlRunner = this.dataSource,
  ): Promise<{ rows: RiskEventRow[]; total: number }> {
    const seesAll = seesAllApproved(user);
    const conditions = new SqlConditions([user.unitId]).raw(
      `(e.unit_id = $1 OR (wi.is_current_approved AND (${seesAll ? 'true' : '(e.involved_unit_id = $1 OR ip.responsible_unit_id = $1)'})))`,
    );
    if (filter.involvedUnitId) {
      conditions.add('e.involved_unit_id = ?', filter.involvedUnitId);
    }
    if (filter.involvedProjectId) {
      conditions.add('e.involved_project_id = ?::uuid', filter.involvedProjectId);
    }
    if (filter.levelCode) {
      conditions.add('e.level_code = ?', filter.levelCode);
    }
    if (filter.from) {
      conditions.add('e.occurred_on >= ?::date', filter.from);
    }
    if (filter.to) {
      conditions.add('e.occurred_on <= ?::date', filter.to);
    }
    if (filter.state) {
      conditions.add('wi.state = ?', filter.state);
    }
    return this.query(conditions, pageSize, (filter.page - 1) * pageSize, db);
  }

  private async query(
    conditions: SqlConditions,
    limit: number,
    offset: number,
    db: SqlRunner = this.dataSource,
  ): Promise<{ rows: RiskEventRow[]; total: number }> {
    const limitParam = conditions.bind(limit);
    const offsetParam = conditions.bind(offset);
    const rows: (Omit<RiskEventRow, 'stateLabel'> & { total: number })[] = await db.query(
      `SELECT e.id, to_char(e.occurred_on, 'YYYY-MM-DD') AS occurred_on, e.level_code, d.label AS level_label, u.name AS unit_name,
              coalesce(iu.name, ip.name) AS involved_unit_name, e.involved_project_id, e.details, e.deduction_applied::text, wi.state, count(*) OVER ()::int AS total
         FROM risk_events e
         JOIN workflow_items wi ON wi.id = e.id
         JOIN units u ON u.id = e.unit_id
         LEFT JOIN units iu ON iu.id = e.involved_unit_id
         LEFT JOIN major_projects ip ON ip.id = e.involved_project_id
         JOIN dictionary_items d ON d.kind = 'risk_level' AND d.code = e.level_code
        WHERE ${String(conditions)}
        ORDER BY e.occurred_on DESC, e.id
        LIMIT ${limitParam} OFFSET ${offsetParam}`,
      conditions.params,
    );
    return {
      total: rows[0]?.total ?? 0,
      rows: rows.map(({ total: _total, ...row }) => ({
        ...row,
        stateLabel: WORKFLOW_STATE_LABELS[row.state],
      })),
    };
  }

  /** 风险管控力: per district, approved events and the deductions stored with them, from `from` to `to`. */
  async deductionsByDistrict(
    from: string,
    to: string,
  ): Promise<{ unitId: number; events: number; deduction: number }[]> {
    const rows: { unit_id: number; events: number; deduction: string }[] =
      await this.dataSource.query(
        `SELECT u.id AS unit_id, count(e.id)::int AS events, coalesce(sum(e.deduction_applied), 0)::text AS deduction
         FROM units u
         LEFT JOIN risk_events e ON e.involved_unit_id = u.id AND e.occurred_on BETWEEN $1::date AND $2::date
              AND EXISTS (SELECT 1 FROM workflow_items wi WHERE wi.id = e.id AND wi.is_current_approved)
        WHERE u.kind = 'district' AND u.active
        GROUP BY u.id ORDER BY u.sort_order`,
        [from, to],
      );
    return rows.map((row) => ({
      unitId: row.unit_id,
      events: row.events,
      deduction: Number(row.deduction),
    }));
  }

  /**
   * Approved events from `from` to `to` involving districts or major projects, with the deduction
   * frozen on each at approval (exact decimal text): the 风险管控力 deductions and their records.
   */
  async approvedEvents(
    target: 'district' | 'project',
    from: string,
    to: string,
  ): Promise<
    {
      id: string;
      unitId: number | null;
      projectId: string | null;
      levelCode: string;
      levelLabel: string;
      occurredOn: string;
      deduction: string;
    }[]
  > {
    const rows = await this.dataSource.query<
      {
        id: string;
        involved_unit_id: number | null;
        involved_project_id: string | null;
        level_code: string;
        level_label: string;
        occurred_on: string;
        deduction: string;
      }[]
    >(
      `SELECT e.id, e.involved_unit_id, e.involved_project_id, e.level_code, d.label AS level_label,
              to_char(e.occurred_on, 'YYYY-MM-DD') AS occurred_on, e.deduction_applied::text AS deduction
         FROM risk_events e
         JOIN workflow_items wi ON wi.id = e.id AND wi.is_current_approved
         JOIN dictionary_items d ON d.kind = 'risk_level' AND d.code = e.level_code
        WHERE e.occurred_on BETWEEN $1::date AND $2::date
          AND ${target === 'district' ? 'e.involved_unit_id IS NOT NULL' : 'e.involved_project_id IS NOT NULL'}
        ORDER BY e.occurred_on, e.id`,
      [from, to],
    );
    return rows.map((row) => ({
      id: row.id,
      unitId: row.involved_unit_id,
      projectId: row.involved_project_id,
      levelCode: row.level_code,
      levelLabel: row.level_label,
      occurredOn: row.occurred_on,
      deduction: row.deduction,
    }));
  }
}
