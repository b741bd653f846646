import { Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { AttachmentsService } from '../attachments/attachments.service.js';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth-context.js';
import { hasRole } from '../auth/auth-context.js';
import { TASK_STATUS_LABELS, type TaskStatus } from '../assignments/task-due-rules.js';
import { taskProgressErrors, type TaskProgressDto } from '../assignments/dto/task-progress.dto.js';
import { FormInvalidException } from '../common/forms/form-validation.js';
import { parseChinaDate } from '../common/time/china-time.js';
import { WORKFLOW_STATE_LABELS, type WorkflowState } from '../workflow/workflow-chain.js';
import type { WorkflowItemRow } from '../workflow/workflow-item.js';
import { pageOfListing } from '../workflow/record-kit/listing-page.js';
import type { RecordListing } from '../workflow/workflow-visibility.js';
import { SqlConditions } from '../database/sql.js';
import { WorkflowService } from '../workflow/workflow.service.js';
import type { PilotAcceptanceDto, PilotAchievementDto } from './dto/pilot-form.dto.js';
import { isCountedPilot, onTimeAcceptance } from './pilot-counting.js';
import { PilotsService, type PilotRow } from './pilots.service.js';
import type { SqlRunner } from '../database/sql-runner.js';

export const PILOT_PROGRESS_TYPE = 'pilot_progress';
export const PILOT_ACHIEVEMENT_TYPE = 'pilot_achievement';

export interface StreamRecord {
  id: string;
  pilot_lineage_id: string;
  unit_id: number;
  unit_name: string;
  accepted_on: string | null;
  latest_status: TaskStatus | null;
}

export interface FilingLedgerRow {
  id: string;
  pilot_name: string;
  unit_name: string;
  /** 推进状态 of a progress filing, 成果名称 of an achievement. */
  label: string;
  /** 已开展工作 / 解决问题. */
  text1: string;
  /** 存在问题 / 具体成效. */
  text2: string;
  state: WorkflowState;
  stateLabel: string;
  approved_at: Date | null;
  updated_at: Date;
}

export interface DistrictPilotCounts {
  unitId: number;
  unitName: string;
  national: number;
  municipal: number;
  due: number;
  acceptedOnTime: number;
  /** 试点按时通过验收率, 1 when none is due. */
  acceptanceRate: number;
  /** The counted pilots behind the numbers (a report's detail page lists them). */
  pilots: {
    id: string;
    name: string;
    level: 'national' | 'municipal';
    acceptanceDue: string;
    acceptedOn: string | null;
  }[];
}

/**
 * Each involved district's stream of a confirmed pilot: progress filings and achievements
 * (own reviewer → competent department → office) and the acceptance the competent department
 * records. Also the per-district counts the index reads.
 */
/**
 * The pilot's competent department lists the approved filings of its pilots' streams; the joins
 * reach the stream (s) and the pilot's approved revision in force (p) from a filing of `table` (f).
 */
export function filingListing(table: 'pilot_progress' | 'pilot_achievements'): RecordListing {
  return {
    scope: { involved: 'p.competent_unit_id = $1' },
    joins: `JOIN ${table} f ON f.id = wi.id
      JOIN pilot_streams s ON s.id = f.stream_id
      JOIN workflow_items pw ON pw.lineage_id = s.pilot_lineage_id AND pw.is_current_approved AND pw.record_type = 'pilot'
      JOIN pilots p ON p.id = pw.id`,
  };
}

@Injectable()
export class PilotStreamsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly workflow: WorkflowService,
    private readonly attachments: AttachmentsService,
    private readonly pilots: PilotsService,
    private readonly audit: AuditService,
  ) {}

  async districtOptions(): Promise<{ id: number; name: string }[]> {
    return this.dataSource.query(
      `SELECT id, name FROM units WHERE kind = 'district' AND active ORDER BY sort_order`,
    );
  }

  async findStream(
    streamId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<StreamRecord | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(streamId)) {
      return undefined;
    }
    const rows: StreamRecord[] = await manager.query(
      `SELECT s.id, s.pilot_lineage_id, s.unit_id, u.name AS unit_name, to_char(s.accepted_on, 'YYYY-MM-DD') AS accepted_on, s.latest_status
         FROM pilot_streams s JOIN units u ON u.id = s.unit_id WHERE s.id = $1`,
      [streamId],
    );
    return rows[0];
  }

  /** The stream and its pilot, if the user may read them (the district, the competent department, office, leaders). */
  private async requireStream(
    streamId: string,
    user: AuthUser,
  ): Promise<{ stream: StreamRecord; pilot: PilotRow }> {
    const stream = await this.findStream(streamId);
    const pilot = stream ? await this.pilots.currentPilot(stream.pilot_lineage_id) : undefined;
    if (!stream || !pilot) {
      throw new NotFoundException();
    }
    const allowed =
      stream.unit_id === user.unitId ||
      pilot.competent_unit_id === user.unitId ||
      hasRole(user, 'office', 'leader', 'admin');
    if (!allowed) {
      throw new NotFoundException();
    }
    return { stream, pilot };
  }

  async streamPage(streamId: string, user: AuthUser) {
    const { stream, pilot } = await this.requireStream(streamId, user);
    const filings = async (table: 'pilot_progress' | 'pilot_achievements', label: string) => {
      const rows: { id: string; label: string; state: WorkflowState; updated_at: Date }[] =
        await this.dataSource.query(
          `SELECT f.id, ${label} AS label, wi.state, wi.updated_at
           FROM ${table} f JOIN workflow_items wi ON wi.id = f.id
          WHERE f.stream_id = $1 AND (wi.state <> 'draft' OR wi.owner_unit_id = $2)
          ORDER BY f.created_at DESC`,
          [streamId, user.unitId],
        );
      return rows.map((row) => ({ ...row, stateLabel: WORKFLOW_STATE_LABELS[row.state] }));
    };
    const progress = (await filings('pilot_progress', 'f.status')).map((row) => ({
      ...row,
      label: TASK_STATUS_LABELS[row.label as TaskStatus],
    }));
    const isDistrictClerk = hasRole(user, 'entry') && user.unitId === stream.unit_id;
    return {
      stream: {
        ...stream,
        statusLabel: stream.latest_status ? TASK_STATUS_LABELS[stream.latest_status] : '未更新',
      },
      pilot,
      progress,
      achievements: await filings('pilot_achievements', 'f.name'),
      canFileProgress: isDistrictClerk && !progress.some((row) => row.state !== 'approved'),
      canFileAchievement: isDistrictClerk,
      canRecordAcceptance: hasRole(user, 'entry') && user.unitId === pilot.competent_unit_id,
    };
  }

  /** A new progress filing on the district's stream (draft or submitted); one open filing at a time. */
  async fileProgress(
    streamId: string,
    form: TaskProgressDto,
    user: AuthUser,
    ip?: string,
  ): Promise<string> {
    const { stream, pilot } = await this.requireStream(streamId, user);
    if (!(hasRole(user, 'entry') && user.unitId === stream.unit_id)) {
      throw new NotFoundException();
    }
    const errors = taskProgressErrors(form);
    if (Object.keys(errors).length > 0) {
      throw new FormInvalidException(errors);
    }
    const id = randomUUID();
    await this.dataSource.transaction(async (manager) => {
      const open: { id: string }[] = await manager.query(
        `SELECT f.id FROM pilot_progress f JOIN workflow_items wi ON wi.id = f.id WHERE f.stream_id = $1 AND wi.state <> 'approved'`,
        [streamId],
      );
      if (open.length > 0) {
        throw FormInvalidException.field(
          'status',
          '已有一条推进状态更新正在办理，请在原记录上修改',
        );
      }
      await this.workflow.createDraft(
        manager,
        {
          type: PILOT_PROGRESS_TYPE,
          id,
          title: `${pilot.name}（${stream.unit_name}）`,
          ownerUnitId: stream.unit_id,
          competentUnitId: pilot.competent_unit_id,
        },
        user,
      );
      await manager.query(
        `INSERT INTO pilot_progress (id, stream_id, status, work_done, problems) VALUES ($1, $2, $3, $4, $5)`,
        [id, streamId, form.status, form.workDone ?? '', form.problems ?? ''],
      );
      await this.attachments.linkToItem(manager, id, 'evidence', form.evidence, user);
      if (form.submit) {
        await this.workflow.transition(id, { action: 'submit' }, user, ip, manager);
      }
    });
    return id;
  }

  async fileAchievement(
    streamId: string,
    form: PilotAchievementDto,
    user: AuthUser,
    ip?: string,
  ): Promise<string> {
    const { stream, pilot } = await this.requireStream(streamId, user);
    if (!(hasRole(user, 'entry') && user.unitId === stream.unit_id)) {
      throw new NotFoundException();
    }
    const id = randomUUID();
    await this.dataSource.transaction(async (manager) => {
      await this.workflow.createDraft(
        manager,
        {
          type: PILOT_ACHIEVEMENT_TYPE,
          id,
          title: form.name,
          ownerUnitId: stream.unit_id,
          competentUnitId: pilot.competent_unit_id,
        },
        user,
      );
      await manager.query(
        `INSERT INTO pilot_achievements (id, stream_id, name, problems_solved, effects) VALUES ($1, $2, $3, $4, $5)`,
        [id, streamId, form.name, form.problemsSolved, form.effects],
      );
      await this.attachments.linkToItem(manager, id, 'evidence', form.evidence, user);
      if (form.submit) {
        await this.workflow.transition(id, { action: 'submit' }, user, ip, manager);
      }
    });
    return id;
  }

  /** 验收: the competent department's clerk records the date the district passed acceptance. */
  async recordAcceptance(
    streamId: string,
    form: PilotAcceptanceDto,
    user: AuthUser,
    ip?: string,
  ): Promise<void> {
    const { stream, pilot } = await this.requireStream(streamId, user);
    if (!(hasRole(user, 'entry') && user.unitId === pilot.competent_unit_id)) {
      throw new NotFoundException();
    }
    const acceptedOn = parseChinaDate(form.acceptedOn);
    if (!acceptedOn || acceptedOn < pilot.deployed_on) {
      throw FormInvalidException.field('acceptedOn', '请填写有效的通过验收日期（不早于部署时间）');
    }
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `UPDATE pilot_streams SET accepted_on = $2, accepted_by = $3 WHERE id = $1`,
        [streamId, acceptedOn, user.id],
      );
      await this.audit.record(
        {
          action: 'pilot_acceptance_recorded',
          actor: user,
          ip,
          target: {
            type: 'pilot_stream',
            id: streamId,
            label: `${pilot.name}（${stream.unit_name}）`,
          },
          detail: { acceptedOn, acceptanceDue: pilot.acceptance_due },
        },
        manager,
      );
    });
  }

  /** A filing (progress or achievement) with its stream and pilot, for its record page. */
  async filingPage(id: string, user: AuthUser) {
    const item = await this.workflow.findVisibleItem(id, user);
    const table =
      item.record_type === PILOT_PROGRESS_TYPE
        ? 'pilot_progress'
        : item.record_type === PILOT_ACHIEVEMENT_TYPE
          ? 'pilot_achievements'
          : undefined;
    if (!table) {
      throw new NotFoundException();
    }
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT * FROM ${table} WHERE id = $1`,
      [id],
    );
    const filing = rows[0];
    const stream = filing ? await this.findStream(String(filing.stream_id)) : undefined;
    const pilot = stream ? await this.pilots.currentPilot(stream.pilot_lineage_id) : undefined;
    if (!filing || !stream || !pilot) {
      throw new NotFoundException();
    }
    return {
      item,
      kind: table === 'pilot_progress' ? 'progress' : 'achievement',
      filing: {
        ...filing,
        statusLabel: filing.status ? TASK_STATUS_LABELS[filing.status as TaskStatus] : undefined,
      },
      stream,
      pilot,
      files: await this.attachments.listForItem(id),
    };
  }

  /**
   * 试点成果 / 推进状态 ledger: approved filings of the pilots the user may read (a district its
   * own streams, also unapproved; a competent department its pilots; office and leaders all).
   */
  async filingsLedger(
    kind: 'progress' | 'achievement',
    user: AuthUser,
    filter: { unitId?: number; q?: string; page: number },
    pageSize = 20,
    db: SqlRunner = this.dataSource,
  ): Promise<{ rows: FilingLedgerRow[]; total: number }> {
    const table = kind === 'progress' ? 'pilot_progress' : 'pilot_achievements';
    const conditions = new SqlConditions([user.unitId]);
    if (filter.unitId) {
      conditions.add('s.unit_id = ?', filter.unitId);
    }
    if (filter.q) {
      conditions.add(
        kind === 'progress' ? 'p.name ILIKE ?' : '(p.name ILIKE ? OR f.name ILIKE ?)',
        `%${filter.q}%`,
      );
    }
    const detailColumns =
      kind === 'progress'
        ? `f.status AS label, f.work_done AS text1, f.problems AS text2`
        : `f.name AS label, f.problems_solved AS text1, f.effects AS text2`;
    const listing = filingListing(table);
    const { rows, total } = await pageOfListing<Omit<FilingLedgerRow, 'stateLabel'>>(
      db,
      user,
      listing.scope,
      conditions,
      {
        from: `SELECT f.id, p.name AS pilot_name, u.name AS unit_name, ${detailColumns}, wi.state, wi.approved_at, wi.updated_at
                 FROM workflow_items wi ${listing.joins}
                 JOIN units u ON u.id = s.unit_id`,
        order: 'v.updated_at DESC, v.id',
      },
      pageSize,
      filter.page,
    );
    return {
      total,
      rows: rows.map((row) => ({
        ...row,
        label: kind === 'progress' ? TASK_STATUS_LABELS[row.label as TaskStatus] : row.label,
        stateLabel: WORKFLOW_STATE_LABELS[row.state],
      })),
    };
  }

  /** Edits a draft or returned filing (and optionally submits it). */
  async updateFiling(
    id: string,
    form: TaskProgressDto | PilotAchievementDto,
    user: AuthUser,
    ip?: string,
  ): Promise<void> {
    const item = await this.workflow.findVisibleItem(id, user);
    if (!this.workflow.isEditableBy(item, user)) {
      throw FormInvalidException.field(
        'status' in form ? 'status' : 'name',
        this.workflow.readOnlyReason(item, user) ?? '当前不能修改',
      );
    }
    const errors = 'status' in form ? taskProgressErrors(form) : {};
    if (Object.keys(errors).length > 0) {
      throw new FormInvalidException(errors);
    }
    await this.dataSource.transaction(async (manager) => {
      if (item.record_type === PILOT_PROGRESS_TYPE && 'status' in form) {
        await manager.query(
          `UPDATE pilot_progress SET status = $2, work_done = $3, problems = $4, updated_at = now() WHERE id = $1`,
          [id, form.status, form.workDone ?? '', form.problems ?? ''],
        );
      } else if (item.record_type === PILOT_ACHIEVEMENT_TYPE && 'name' in form) {
        await manager.query(
          `UPDATE pilot_achievements SET name = $2, problems_solved = $3, effects = $4, updated_at = now() WHERE id = $1`,
          [id, form.name, form.problemsSolved, form.effects],
        );
        await this.workflow.updateDraft(manager, id, { title: form.name });
      } else {
        throw new NotFoundException();
      }
      await this.attachments.linkToItem(manager, id, 'evidence', form.evidence, user);
      if (form.submit) {
        await this.workflow.transition(id, { action: 'submit' }, user, ip, manager);
      }
    });
  }

  /** Streams live as long as their pilot; the district's latest approved status is kept on the stream. */
  async onProgressApproved(manager: EntityManager, item: WorkflowItemRow): Promise<void> {
    await manager.query(
      `UPDATE pilot_streams s SET latest_status = f.status, latest_approved_at = $2
         FROM pilot_progress f WHERE f.id = $1 AND s.id = f.stream_id`,
      [item.id, item.approved_at ?? new Date()],
    );
    // Every involved district reports 已完成: the pilot is no longer in progress.
    await manager.query(
      `UPDATE pilots p SET finished = true
        WHERE p.lineage_id = (SELECT s.pilot_lineage_id FROM pilot_streams s JOIN pilot_progress f ON f.stream_id = s.id WHERE f.id = $1)
          AND NOT EXISTS (SELECT 1 FROM pilot_streams s2 WHERE s2.pilot_lineage_id = p.lineage_id AND s2.latest_status IS DISTINCT FROM 'completed')`,
      [item.id],
    );
  }

  /** Involved districts of the stream's pilot may read filings too (and the competent department, via the engine). */
  async viewerUnitIds(item: WorkflowItemRow): Promise<number[]> {
    const rows: { involved_unit_ids: number[] }[] = await this.dataSource.query(
      `SELECT p.involved_unit_ids FROM workflow_items wi
         JOIN pilot_streams s ON s.id = (SELECT stream_id FROM pilot_progress WHERE id = wi.id UNION ALL SELECT stream_id FROM pilot_achievements WHERE id = wi.id LIMIT 1)
         JOIN pilots p ON p.lineage_id = s.pilot_lineage_id
         JOIN workflow_items pw ON pw.id = p.id AND pw.is_current_approved
        WHERE wi.id = $1`,
      [item.id],
    );
    return rows[0]?.involved_unit_ids ?? [];
  }

  /**
   * Per district at a report date, over confirmed pilots (the current approved revision): counted
   * national and municipal pilots, pilots due for acceptance and those accepted on time.
   */
  async countsByDistrict(reportDate: string): Promise<DistrictPilotCounts[]> {
    const rows: {
      unit_id: number;
      unit_name: string;
      pilot_id: string | null;
      pilot_name: string | null;
      level: 'national' | 'municipal' | null;
      citywide: boolean | null;
      deployed_on: string | null;
      finished: boolean | null;
      acceptance_due: string | null;
      accepted_on: string | null;
    }[] = await this.dataSource.query(
      `SELECT u.id AS unit_id, u.name AS unit_name, p.id AS pilot_id, p.name AS pilot_name, p.level, p.citywide, to_char(p.deployed_on, 'YYYY-MM-DD') AS deployed_on,
              p.finished, to_char(p.acceptance_due, 'YYYY-MM-DD') AS acceptance_due, to_char(s.accepted_on, 'YYYY-MM-DD') AS accepted_on
         FROM units u
         LEFT JOIN pilot_streams s ON s.unit_id = u.id
         LEFT JOIN workflow_items wi ON wi.lineage_id = s.pilot_lineage_id AND wi.is_current_approved AND wi.record_type = 'pilot'
         LEFT JOIN pilots p ON p.id = wi.id AND p.deployed_on <= $1::date
        WHERE u.kind = 'district' AND u.active
        ORDER BY u.sort_order, p.deployed_on, p.id`,
      [reportDate],
    );
    const byUnit = new Map<number, DistrictPilotCounts>();
    for (const row of rows) {
      const entry = byUnit.get(row.unit_id) ?? {
        unitId: row.unit_id,
        unitName: row.unit_name,
        national: 0,
        municipal: 0,
        due: 0,
        acceptedOnTime: 0,
        acceptanceRate: 1,
        pilots: [],
      };
      byUnit.set(row.unit_id, entry);
      if (
        row.pilot_id === null ||
        row.level === null ||
        row.deployed_on === null ||
        row.acceptance_due === null
      ) {
        continue;
      }
      if (
        !isCountedPilot({
          confirmed: true,
          citywide: row.citywide ?? false,
          deployedOn: row.deployed_on,
          finished: row.finished ?? false,
        })
      ) {
        continue;
      }
      entry[row.level] += 1;
      entry.pilots.push({
        id: row.pilot_id,
        name: row.pilot_name ?? '',
        level: row.level,
        acceptanceDue: row.acceptance_due,
        acceptedOn: row.accepted_on,
      });
    }
    return [...byUnit.values()].map((entry) => {
      const { due, onTime, rate } = onTimeAcceptance(entry.pilots, reportDate);
      return { ...entry, due, acceptedOnTime: onTime, acceptanceRate: rate };
    });
  }
}
