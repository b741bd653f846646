import { Injectable, NotFoundException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AssignmentsService } from '../assignments/assignments.service.js';
import { dueCutoffs } from '../assignments/task-due-rules.js';
import { AttachmentsService } from '../attachments/attachments.service.js';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth-context.js';
import { hasRole } from '../auth/auth-context.js';
import { FormInvalidException, type FieldErrors } from '../common/forms/form-validation.js';
import { uploadedFileIds } from '../common/forms/uploaded-files.js';
import { UUID_PATTERN } from '../common/http/params.js';
import { DEFAULT_PAGE_SIZE } from '../common/http/pagination.js';
import { chinaDate, parseChinaDate } from '../common/time/china-time.js';
import { Clock } from '../common/time/clock.js';
import type { SqlRunner } from '../database/sql-runner.js';
import { DictionariesService } from '../dictionaries/dictionaries.service.js';
import { RecordKit } from '../workflow/record-kit/record-kit.js';
import type { WorkflowItemRow } from '../workflow/workflow-item.js';
import { WorkflowService } from '../workflow/workflow.service.js';
import type { DecisionDto } from './dto/decision.dto.js';
import type { MeetingDto, MinutesDto } from './dto/meeting.dto.js';
import type { TopicDto, TopicResultDto } from './dto/topic.dto.js';
import {
  MeetingsQueries,
  OFFICE_TOPIC_TYPE,
  TOPIC_TYPE,
  type DecisionFilter,
  type TopicContent,
  type MeetingFilter,
  type TopicFilter,
  type TopicRow,
} from './meetings.queries.js';
import { isPdfOrWord } from './meetings.view-model.js';
import type { LedgerReader } from '../workflow/record-kit/ledger-routes.js';

export const isOffice = (user: AuthUser): boolean =>
  hasRole(user, 'office') && user.unitKind === 'office';

/**
 * 深改委会议管理: the office enters meetings; units propose topics (unit clerk → unit reviewer →
 * office 采纳 onto a meeting, 退回完善 or 驳回) and the office adds its own; after the meeting the
 * office records each topic's 审议结果, the 会议纪要 and the 议定事项, which become assignment
 * tasks of the units (first feedback by the deadline, then quarterly) until the office 销号 each.
 */
@Injectable()
export class MeetingsService {
  constructor(
    private readonly kit: RecordKit,
    private readonly queries: MeetingsQueries,
    private readonly workflow: WorkflowService,
    private readonly attachments: AttachmentsService,
    private readonly assignments: AssignmentsService,
    private readonly dictionaries: DictionariesService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  today(): string {
    return chinaDate(this.clock.now());
  }

  async options() {
    const units = await this.queries.units();
    return {
      units,
      taskUnits: units.filter((unit) => unit.kind !== 'office'),
      domains: await this.dictionaries.activeOptions('domain'),
    };
  }

  // ---- meetings ----

  async meetingErrors(form: MeetingDto, failed: ReadonlySet<string>): Promise<FieldErrors> {
    const errors: FieldErrors = {};
    if (!failed.has('heldOn') && !parseChinaDate(form.heldOn)) {
      errors.heldOn = ['请填写有效的会议日期（年-月-日）'];
    }
    for (const field of ['attendUnitIds', 'observeUnitIds'] as const) {
      if (!failed.has(field)) {
        const ids = [...new Set(form[field])];
        if ((await this.queries.activeUnitIds(ids)).length !== ids.length) {
          errors[field] = ['单位有误，请重新选择'];
        }
      }
    }
    if (
      !failed.has('observeUnitIds') &&
      form.observeUnitIds.some((id) => form.attendUnitIds.includes(id))
    ) {
      errors.observeUnitIds = ['同一单位不能既出席又列席'];
    }
    return errors;
  }

  async saveMeeting(form: MeetingDto, user: AuthUser, ip?: string, id?: string): Promise<string> {
    this.requireOffice(user);
    const errors = await this.meetingErrors(form, new Set());
    if (Object.keys(errors).length > 0) {
      throw new FormInvalidException(errors);
    }
    const content = {
      name: form.name,
      kind: form.kind,
      heldOn: form.heldOn,
      place: form.place ?? '',
      host: form.host ?? '',
      status: form.status,
    };
    return this.kit.transaction(async (manager) => {
      let meetingId = id;
      if (meetingId) {
        if (!(await this.queries.findMeeting(meetingId, manager))) {
          throw new NotFoundException();
        }
        await this.queries.updateMeeting(manager, meetingId, content);
      } else {
        meetingId = await this.queries.insertMeeting(manager, { ...content, createdBy: user.id });
      }
      await this.queries.setMeetingUnits(
        manager,
        meetingId,
        [...new Set(form.attendUnitIds)],
        [...new Set(form.observeUnitIds)],
      );
      await this.audit.record(
        {
          action: 'meeting_saved',
          actor: user,
          ip,
          target: { type: 'meeting', id: meetingId, label: form.name },
          detail: { status: form.status, heldOn: form.heldOn },
        },
        manager,
      );
      return meetingId;
    });
  }

  /**
   * 会议纪要 of a held meeting: a PDF or Word file the office uploaded, or, when 涉密, a note of how
   * the minutes went out (no file is kept then).
   */
  async saveMinutes(id: string, form: MinutesDto, user: AuthUser): Promise<void> {
    this.requireOffice(user);
    const meeting = await this.requireMeeting(id);
    if (meeting.status !== 'held') {
      throw FormInvalidException.field('minutesNote', '会议召开后方可登记会议纪要');
    }
    const fileId = form.minutesClassified ? undefined : form.minutesFile[0];
    if (fileId) {
      const files = await this.queries.ownUnitFiles([fileId], user.unitId);
      if (files.length !== 1) {
        throw FormInvalidException.field('minutesFile', '会议纪要文件有误，请重新上传');
      }
      if (!isPdfOrWord(files[0].name)) {
        throw FormInvalidException.field(
          'minutesFile',
          `会议纪要仅支持 PDF 或 Word 文件：${files[0].name}`,
        );
      }
    } else if (!form.minutesNote) {
      throw FormInvalidException.field(
        form.minutesClassified ? 'minutesNote' : 'minutesFile',
        form.minutesClassified
          ? '纪要涉密的，请填写纪要说明（报送方式、密级）'
          : '请上传会议纪要（PDF 或 Word）；纪要涉密的请勾选“纪要涉密”并填写说明',
      );
    }
    await this.queries.setMinutes(
      id,
      form.minutesClassified,
      form.minutesNote ?? '',
      fileId ?? null,
    );
  }

  /** The minutes file the form shows: the one typed into a refused form, else the stored one. */
  async minutesFiles(
    meeting: { minutes_attachment_id?: string | null },
    typed: Record<string, unknown> | undefined,
    user: AuthUser,
  ) {
    const ids = typed
      ? uploadedFileIds(typed.minutesFile)
      : meeting.minutes_attachment_id
        ? [meeting.minutes_attachment_id]
        : [];
    return this.attachments.describe(ids, user);
  }

  meetingLedger(filter: MeetingFilter, pageSize = DEFAULT_PAGE_SIZE, db?: SqlRunner) {
    return this.queries.meetingLedger(filter, pageSize, db);
  }

  async requireMeeting(id: string) {
    const meeting = UUID_PATTERN.test(id) ? await this.queries.findMeeting(id) : undefined;
    if (!meeting) {
      throw new NotFoundException();
    }
    return meeting;
  }

  /** The meeting page: facts, units, the agenda with results, and every decision's unit tasks. */
  async meetingPage(id: string) {
    const meeting = await this.requireMeeting(id);
    const units = await this.queries.meetingUnits(id);
    const decisions = await this.queries.decisionLedger(
      dueCutoffs(this.clock.now()),
      { meetingId: id, page: 1 },
      1000,
    );
    return {
      meeting,
      attendUnits: units.filter((unit) => unit.role === 'attend'),
      observeUnits: units.filter((unit) => unit.role === 'observe'),
      agenda: await this.queries.agenda(id),
      decisions: decisions.rows,
    };
  }

  meetingUnitIds(id: string) {
    return this.queries.meetingUnits(id);
  }

  // ---- topics ----

  openMeetings() {
    return this.queries.openMeetings();
  }

  allMeetings() {
    return this.queries.allMeetings();
  }

  /**
   * The topic form's rules a DTO cannot check: a real 汇报单位 and 领域, the meeting an office
   * topic goes on, and 拟审议文件 (PDF/Word only; to submit a 审议文件 topic, files or a 涉密 note).
   */
  async topicErrors(
    form: TopicDto,
    failed: ReadonlySet<string>,
    user: AuthUser | undefined,
  ): Promise<FieldErrors> {
    const errors: FieldErrors = {};
    if (
      !failed.has('reportingUnitId') &&
      (await this.queries.activeUnitIds([form.reportingUnitId])).length !== 1
    ) {
      errors.reportingUnitId = ['请选择汇报单位'];
    }
    if (
      !failed.has('domainId') &&
      form.domainId !== undefined &&
      !(await this.dictionaries.isActive('domain', form.domainId))
    ) {
      errors.domainId = ['请选择有效的领域'];
    }
    if (!failed.has('documents')) {
      if (form.documentsClassified) {
        if (!form.classifiedNote) {
          errors.classifiedNote = ['材料涉密的，请填写涉密说明（报送方式、密级）'];
        }
      } else {
        const files = user ? await this.attachments.describe(form.documents, user) : [];
        const wrong = files.filter((file) => !isPdfOrWord(file.name));
        if (wrong.length > 0) {
          errors.documents = [
            `拟审议文件仅支持 PDF 或 Word 文件：${wrong.map((file) => file.name).join('、')}`,
          ];
        } else if (
          (form.submit || (user && isOffice(user))) &&
          form.topicKind === 'review_document' &&
          files.length === 0
        ) {
          errors.documents = [
            '审议文件类议题请上传拟审议文件（PDF 或 Word）；材料涉密的请勾选“材料涉密”并填写说明',
          ];
        }
      }
    }
    if (user && isOffice(user) && !failed.has('meetingId')) {
      const open = await this.queries.openMeetings();
      if (!open.some((meeting) => meeting.id === form.meetingId)) {
        errors.meetingId = ['请选择筹备中的会议'];
      }
    }
    return errors;
  }

  private topicContent(form: TopicDto): TopicContent {
    return {
      reporting_unit_id: form.reportingUnitId,
      title: form.title,
      topic_kind: form.topicKind,
      summary: form.summary ?? '',
      domain_id: form.domainId ?? null,
      files_classified: form.documentsClassified,
      classified_note: form.documentsClassified ? (form.classifiedNote ?? '') : '',
    };
  }

  /**
   * 议题申报 by a unit's clerk, or a topic the office adds straight onto a meeting's agenda (the
   * office files it for its own unit and 采纳 it at once).
   */
  async createTopic(form: TopicDto, user: AuthUser, ip?: string): Promise<string> {
    const office = isOffice(user);
    if (!office && !hasRole(user, 'entry')) {
      throw new NotFoundException();
    }
    const errors = await this.topicErrors(form, new Set(), user);
    if (Object.keys(errors).length > 0) {
      throw new FormInvalidException(errors);
    }
    // The office files its own topics as its unit's clerk would, then decides on them.
    const filer: AuthUser = office ? { ...user, roles: [...user.roles, 'entry'] } : user;
    const id = await this.kit.fileRecord(
      {
        type: office ? OFFICE_TOPIC_TYPE : TOPIC_TYPE,
        title: form.title,
        ownerUnitId: user.unitId,
        files: { documents: form.documentsClassified ? [] : form.documents },
        submit: office || form.submit,
      },
      filer,
      ip,
      (manager, rowId) =>
        this.queries.insertTopic(manager, rowId, user.unitId, this.topicContent(form)),
    );
    if (office) {
      await this.adopt(id, form.meetingId!, user, ip);
    }
    return id;
  }

  async updateTopic(id: string, form: TopicDto, user: AuthUser, ip?: string): Promise<void> {
    await this.kit.updateDraft(
      id,
      {
        type: TOPIC_TYPE,
        field: 'title',
        validate: async () => {
          const errors = await this.topicErrors(form, new Set(), user);
          if (Object.keys(errors).length > 0) {
            throw new FormInvalidException(errors);
          }
        },
      },
      {
        title: form.title,
        files: { documents: form.documentsClassified ? [] : form.documents },
        submit: form.submit,
      },
      user,
      ip,
      (manager) => this.queries.updateTopic(manager, id, this.topicContent(form)),
    );
  }

  /** 采纳: the office places the topic at the end of an open meeting's agenda and approves it. */
  async adopt(id: string, meetingId: string, user: AuthUser, ip?: string): Promise<void> {
    this.requireOffice(user);
    await this.kit.transaction(async (manager) => {
      const item = await this.requireTopicItem(id, user, manager);
      const open = await this.queries.openMeetings(manager);
      if (!open.some((meeting) => meeting.id === meetingId)) {
        throw FormInvalidException.field('meetingId', '请选择筹备中的会议');
      }
      if (!this.workflow.actionsFor(item, user).some((option) => option.action === 'confirm')) {
        throw FormInvalidException.field(
          'meetingId',
          this.workflow.readOnlyReason(item, user) ?? '该议题当前不在市委改革办审定环节',
        );
      }
      await this.queries.placeOnAgenda(manager, id, meetingId);
      await this.workflow.transition(id, { action: 'confirm' }, user, ip, manager);
    });
  }

  /** The approving transaction of a topic: only 采纳 onto a meeting approves one. */
  async onTopicApproved(manager: EntityManager, item: WorkflowItemRow): Promise<void> {
    if (!(await this.queries.topicMeetingId(manager, item.id))) {
      throw FormInvalidException.field('meetingId', '请在议题页选择会议后采纳');
    }
  }

  /** The 汇报单位 reads the adopted topic it reports on. */
  async topicViewerUnitIds(item: WorkflowItemRow): Promise<number[]> {
    return item.state === 'approved' ? this.queries.reportingUnitIds(item.id) : [];
  }

  async setResult(id: string, form: TopicResultDto, user: AuthUser, ip?: string): Promise<void> {
    this.requireOffice(user);
    await this.requireTopicItem(id, user);
    const topic = (await this.queries.findTopic(id))!;
    const meeting = topic.meeting_id ? await this.queries.findMeeting(topic.meeting_id) : undefined;
    if (topic.state !== 'approved' || meeting?.status !== 'held') {
      throw FormInvalidException.field('result', '议题上会且会议召开后方可录入审议结果');
    }
    await this.kit.transaction(async (manager) => {
      await this.queries.setResult(manager, id, form.result);
      await this.audit.record(
        {
          action: 'meeting_topic_result',
          actor: user,
          ip,
          target: { type: 'meeting_topic', id, label: topic.title },
          detail: { result: form.result },
        },
        manager,
      );
    });
  }

  async topicPage(id: string, user: AuthUser) {
    const item = await this.requireTopicItem(id, user);
    const topic = (await this.queries.findTopic(id))!;
    const meeting = topic.meeting_id ? await this.queries.findMeeting(topic.meeting_id) : undefined;
    const office = isOffice(user);
    const mayAdopt = this.workflow.actionsFor(item, user).some((o) => o.action === 'confirm');
    return {
      item,
      topic,
      meeting,
      files: await this.attachments.listForItem(id),
      editable: this.workflow.isEditableBy(item, user),
      adoptMeetings: mayAdopt ? await this.queries.openMeetings() : undefined,
      canSetResult: office && topic.state === 'approved' && meeting?.status === 'held',
    };
  }

  async topicForEdit(id: string, user: AuthUser) {
    const item = await this.requireTopicItem(id, user);
    return {
      item,
      topic: (await this.queries.findTopic(id))!,
      files: await this.attachments.listForItem(id),
    };
  }

  readonly topicLedger: LedgerReader<TopicFilter, TopicRow> = (...page) =>
    this.queries.topicLedger(...page);

  private async requireTopicItem(id: string, user: AuthUser, manager?: EntityManager) {
    const item = await this.workflow.findItem(id, manager);
    if (
      !item ||
      (item.record_type !== TOPIC_TYPE && item.record_type !== OFFICE_TOPIC_TYPE) ||
      !(await this.workflow.mayView(item, user))
    ) {
      throw new NotFoundException();
    }
    return item;
  }

  // ---- 议定事项 ----

  async decisionErrors(
    meetingId: string,
    form: DecisionDto,
    failed: ReadonlySet<string>,
  ): Promise<FieldErrors> {
    const errors: FieldErrors = {};
    if (!failed.has('deadline')) {
      const deadline = parseChinaDate(form.deadline);
      if (!deadline) {
        errors.deadline = ['请填写有效的完成时限（年-月-日）'];
      } else if (deadline < this.today()) {
        errors.deadline = ['完成时限不能早于今天'];
      }
    }
    const { taskUnits } = await this.options();
    if (!failed.has('leadUnitId') && !taskUnits.some((unit) => unit.id === form.leadUnitId)) {
      errors.leadUnitId = ['请选择牵头单位'];
    }
    if (!failed.has('assistUnitIds')) {
      if (!form.assistUnitIds.every((id) => taskUnits.some((unit) => unit.id === id))) {
        errors.assistUnitIds = ['配合单位有误，请重新选择'];
      } else if (form.assistUnitIds.includes(form.leadUnitId)) {
        errors.assistUnitIds = ['牵头单位无需再选为配合单位'];
      }
    }
    if (form.topicId) {
      const topic = UUID_PATTERN.test(form.topicId)
        ? await this.queries.findTopic(form.topicId)
        : undefined;
      if (topic?.meeting_id !== meetingId || topic.state !== 'approved') {
        errors.topicId = ['请选择本次会议的议题'];
      }
    }
    return errors;
  }

  /** A 议定事项 of a held meeting: one assignment, a task for the lead and each assisting unit. */
  async createDecision(
    meetingId: string,
    form: DecisionDto,
    user: AuthUser,
    ip?: string,
  ): Promise<string> {
    this.requireOffice(user);
    const meeting = await this.requireMeeting(meetingId);
    if (meeting.status !== 'held') {
      throw FormInvalidException.field('title', '会议召开后方可登记议定事项');
    }
    const errors = await this.decisionErrors(meetingId, form, new Set());
    if (Object.keys(errors).length > 0) {
      throw new FormInvalidException(errors);
    }
    return this.kit.transaction(async (manager) => {
      const assignmentId = await this.assignments.createIn(
        manager,
        'meeting_decision',
        {
          title: form.title,
          description: form.requirement ?? '',
          deadline: form.deadline,
          unitIds: [form.leadUnitId, ...form.assistUnitIds],
        },
        user,
        ip,
      );
      return this.queries.insertDecision(manager, {
        meetingId,
        topicId: form.topicId || null,
        assignmentId,
        leadUnitId: form.leadUnitId,
      });
    });
  }

  /** 销号 of one unit's task of a 议定事项. */
  async closeTask(taskId: string, user: AuthUser, ip?: string): Promise<string> {
    this.requireOffice(user);
    const task = UUID_PATTERN.test(taskId)
      ? await this.queries.decisionTask(dueCutoffs(this.clock.now()), taskId)
      : undefined;
    if (!task) {
      throw new NotFoundException();
    }
    await this.kit.transaction(async (manager) => {
      if (await this.queries.closeTask(manager, taskId, user.id)) {
        await this.audit.record(
          {
            action: 'meeting_decision_closed',
            actor: user,
            ip,
            target: { type: 'meeting_decision', id: task.decisionId, label: task.title },
            detail: { closed: task.unitName },
          },
          manager,
        );
      }
    });
    return task.meetingId;
  }

  /** 议定事项 ledger: the office, leaders and admins read every unit's tasks, a unit its own. */
  decisionLedger(
    user: AuthUser,
    filter: DecisionFilter,
    pageSize = DEFAULT_PAGE_SIZE,
    db?: SqlRunner,
  ) {
    return this.queries.decisionLedger(
      dueCutoffs(this.clock.now()),
      {
        ...filter,
        ownUnitId: hasRole(user, 'office', 'leader', 'admin') ? undefined : user.unitId,
      },
      pageSize,
      db,
    );
  }

  /** The cockpit's 议定事项落实 table (approved feedback only). */
  implementationByUnit() {
    return this.queries.implementationByUnit(this.today());
  }

  private requireOffice(user: AuthUser): void {
    if (!isOffice(user)) {
      throw new NotFoundException();
    }
  }
}
