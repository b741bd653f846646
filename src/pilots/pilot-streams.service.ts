import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AttachmentsService } from '../attachments/attachments.service.js';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth-context.js';
import { hasRole } from '../auth/auth-context.js';
import { TASK_STATUS_LABELS, type TaskStatus } from '../assignments/task-due-rules.js';
import { taskProgressErrors, type TaskProgressDto } from '../assignments/dto/task-progress.dto.js';
import { FormInvalidException, type FieldErrors } from '../common/forms/form-validation.js';
import { parseChinaDate } from '../common/time/china-time.js';
import { insertRow, updateRow } from '../database/sql.js';
import { WORKFLOW_STATE_LABELS } from '../workflow/workflow-chain.js';
import type { WorkflowItemRow } from '../workflow/workflow-item.js';
import { ledgerPage } from '../workflow/record-kit/ledger-sql.js';
import { RecordKit } from '../workflow/record-kit/record-kit.js';
import { WorkflowService } from '../workflow/workflow.service.js';
import type { PilotAcceptanceDto, PilotAchievementDto } from './dto/pilot-form.dto.js';
import { isCountedPilot, onTimeAcceptance } from './pilot-counting.js';
import {
  activeDistrictOptions,
  districtPilots,
  FILING_KINDS,
  filingLedger,
  filingsOfStream,
  filingViewerUnitIds,
  findFiling,
  findStream,
  hasOpenProgress,
  markProgressApproved,
  recordAcceptance,
  type FilingKind,
  type FilingLedgerRow,
  type StreamRecord,
} from './pilot-streams.queries.js';
import { PilotsService, type PilotRow } from './pilots.service.js';
import type { SqlRunner } from '../database/sql-runner.js';

export {
  PILOT_ACHIEVEMENT_TYPE,
  PILOT_PROGRESS_TYPE,
  type FilingKind,
  type FilingLedgerRow,
  type StreamRecord,
} from './pilot-streams.queries.js';

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

/** A filing form's rules beyond its DTO, thrown all at once. */
function refuseIfInvalid(errors: FieldErrors): void {
  if (Object.keys(errors).length > 0) {
    throw new FormInvalidException(errors);
  }
}

/** A filing form's columns. */
function filingContent(form: TaskProgressDto | PilotAchievementDto): Record<string, unknown> {
  return 'status' in form
    ? { status: form.status, work_done: form.workDone ?? '', problems: form.problems ?? '' }
    : { name: form.name, problems_solved: form.problemsSolved, effects: form.effects };
}

/**
 * Each involved district's stream of a confirmed pilot: progress filings and achievements
 * (own reviewer → competent department → office) and the acceptance the competent department
 * records. Also the per-district counts the index reads.
 */
@Injectable()
export class PilotStreamsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly kit: RecordKit,
    private readonly workflow: WorkflowService,
    private readonly attachments: AttachmentsService,
    private readonly pilots: PilotsService,
    private readonly audit: AuditService,
  ) {}

  districtOptions(): Promise<{ id: number; name: string }[]> {
    return activeDistrictOptions(this.dataSource);
  }

  findStream(streamId: string): Promise<StreamRecord | undefined> {
    return findStream(this.dataSource, streamId);
  }

  /**
   * The stream and its pilot, if the user may read them (the district, the competent department,
   * office, leaders) — or, with `clerkOf`, if the user is an entry clerk of that unit.
   */
  private async requireStream(
    streamId: string,
    user: AuthUser,
    clerkOf?: 'district' | 'competent',
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
    const clerkUnit = clerkOf === 'district' ? stream.unit_id : pilot.competent_unit_id;
    if (!allowed || (clerkOf && !(hasRole(user, 'entry') && user.unitId === clerkUnit))) {
      throw new NotFoundException();
    }
    return { stream, pilot };
  }

  async streamPage(streamId: string, user: AuthUser) {
    const { stream, pilot } = await this.requireStream(streamId, user);
    const filings = async (kind: FilingKind) =>
      (await filingsOfStream(this.dataSource, kind, streamId, user.unitId)).map((row) => ({
        ...row,
        stateLabel: WORKFLOW_STATE_LABELS[row.state],
      }));
    const progress = (await filings('progress')).map((row) => ({
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
      achievements: await filings('achievement'),
      canFileProgress: isDistrictClerk && !progress.some((row) => row.state !== 'approved'),
      canFileAchievement: isDistrictClerk,
      canRecordAcceptance: hasRole(user, 'entry') && user.unitId === pilot.competent_unit_id,
    };
  }

  /** A new progress filing on the district's stream (draft or submitted); one open filing at a time. */
  fileProgress(
    streamId: string,
    form: TaskProgressDto,
    user: AuthUser,
    ip?: string,
  ): Promise<string> {
    refuseIfInvalid(taskProgressErrors(form));
    return this.fileOnStream('progress', streamId, form, user, ip);
  }

  fileAchievement(
    streamId: string,
    form: PilotAchievementDto,
    user: AuthUser,
    ip?: string,
  ): Promise<string> {
    return this.fileOnStream('achievement', streamId, form, user, ip);
  }

  /** Files a progress or an achievement on the stream: only the district's own clerks may. */
  private async fileOnStream(
    kind: FilingKind,
    streamId: string,
    form: TaskProgressDto | PilotAchievementDto,
    user: AuthUser,
    ip?: string,
  ): Promise<string> {
    const { stream, pilot } = await this.requireStream(streamId, user, 'district');
    const filing = {
      type: FILING_KINDS[kind].type,
      title: 'name' in form ? form.name : `${pilot.name}（${stream.unit_name}）`,
      ownerUnitId: stream.unit_id,
      competentUnitId: pilot.competent_unit_id,
      files: { evidence: form.evidence },
      submit: form.submit,
    };
    return this.kit.fileRecord(filing, user, ip, async (manager, id) => {
      if (kind === 'progress' && (await hasOpenProgress(manager, streamId))) {
        throw FormInvalidException.field(
          'status',
          '已有一条推进状态更新正在办理，请在原记录上修改',
        );
      }
      await insertRow(manager, FILING_KINDS[kind].table, {
        id,
        stream_id: streamId,
        ...filingContent(form),
      });
    });
  }

  /** 验收: the competent department's clerk records the date the district passed acceptance. */
  async recordAcceptance(
    streamId: string,
    form: PilotAcceptanceDto,
    user: AuthUser,
    ip?: string,
  ): Promise<void> {
    const { stream, pilot } = await this.requireStream(streamId, user, 'competent');
    const acceptedOn = parseChinaDate(form.acceptedOn);
    if (!acceptedOn || acceptedOn < pilot.deployed_on) {
      throw FormInvalidException.field('acceptedOn', '请填写有效的通过验收日期（不早于部署时间）');
    }
    await this.kit.transaction(async (manager) => {
      await recordAcceptance(manager, streamId, acceptedOn, user.id);
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
    const kind = (Object.keys(FILING_KINDS) as FilingKind[]).find(
      (key) => FILING_KINDS[key].type === item.record_type,
    );
    const filing = kind ? await findFiling(this.dataSource, kind, id) : undefined;
    const stream = filing ? await this.findStream(String(filing.stream_id)) : undefined;
    const pilot = stream ? await this.pilots.currentPilot(stream.pilot_lineage_id) : undefined;
    if (!kind || !filing || !stream || !pilot) {
      throw new NotFoundException();
    }
    return {
      item,
      kind,
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
    return ledgerPage(db, user, filter, filingLedger(kind), pageSize);
  }

  /** Edits a draft or returned filing (and optionally submits it). */
  async updateFiling(
    id: string,
    form: TaskProgressDto | PilotAchievementDto,
    user: AuthUser,
    ip?: string,
  ): Promise<void> {
    const kind: FilingKind = 'status' in form ? 'progress' : 'achievement';
    await this.kit.updateDraft(
      id,
      {
        type: FILING_KINDS[kind].type,
        field: 'status' in form ? 'status' : 'name',
        validate: () => refuseIfInvalid('status' in form ? taskProgressErrors(form) : {}),
      },
      {
        title: 'name' in form ? form.name : undefined,
        files: { evidence: form.evidence },
        submit: form.submit,
      },
      user,
      ip,
      (manager) => updateRow(manager, FILING_KINDS[kind].table, id, filingContent(form)),
    );
  }

  /** Streams live as long as their pilot; the district's latest approved status is kept on the stream. */
  async onProgressApproved(manager: EntityManager, item: WorkflowItemRow): Promise<void> {
    await markProgressApproved(manager, item.id, item.approved_at ?? new Date());
  }

  /** Involved districts of the stream's pilot may read filings too (and the competent department, via the engine). */
  viewerUnitIds(item: WorkflowItemRow): Promise<number[]> {
    return filingViewerUnitIds(this.dataSource, item.id);
  }

  /**
   * Per district at a report date, over confirmed pilots (the current approved revision): counted
   * national and municipal pilots, pilots due for acceptance and those accepted on time.
   */
  async countsByDistrict(reportDate: string): Promise<DistrictPilotCounts[]> {
    const rows = await districtPilots(this.dataSource, reportDate);
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
