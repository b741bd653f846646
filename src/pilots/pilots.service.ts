import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AttachmentsService } from '../attachments/attachments.service.js';
import type { AuthUser } from '../auth/auth-context.js';
import { hasRole } from '../auth/auth-context.js';
import { FormInvalidException, type FieldErrors } from '../common/forms/form-validation.js';
import { DEFAULT_PAGE_SIZE } from '../common/http/pagination.js';
import { startOfChinaQuarter } from '../common/time/china-time.js';
import { pilotDateErrors } from './pilot-dates.js';
import { Clock } from '../common/time/clock.js';
import { AuditService } from '../audit/audit.service.js';
import { DictionariesService } from '../dictionaries/dictionaries.service.js';
import { districtsAndDepartments } from '../assignments/assignments.queries.js';
import type { WorkflowItemRow } from '../workflow/workflow-item.js';
import { dictionaryChoiceErrors } from '../workflow/record-kit/dictionary-choices.js';
import { ledgerPage } from '../workflow/record-kit/ledger-sql.js';
import { RecordKit, type RecordSave } from '../workflow/record-kit/record-kit.js';
import { WorkflowService } from '../workflow/workflow.service.js';
import { normalizeDocumentNumber } from './document-number.js';
import type { PilotConfirmationDto, PilotFormDto } from './dto/pilot-form.dto.js';
import type { SqlRunner } from '../database/sql-runner.js';
import {
  activeDistricts,
  correctPilot,
  currentPilot,
  distributePilot,
  documentNumberOwner,
  findPilot,
  involvedUnitIds,
  isActiveDepartment,
  nonPdfNames,
  PILOT_FORM,
  PILOT_LEDGER,
  PILOT_LEVEL_LABELS,
  PILOT_TABLE,
  PILOT_TYPE,
  registerDocumentNumber,
  streamsOfPilot,
  streamsToUpdate,
  writePilot,
  type PilotCorrection,
  type PilotLedgerFilter,
  type PilotRow,
  type StreamToUpdate,
} from './pilots.queries.js';

export {
  PILOT_LEVEL_LABELS,
  PILOT_TYPE,
  type PilotLedgerFilter,
  type PilotRow,
} from './pilots.queries.js';

/** What every save of a pilot form gives the kit besides the row (the deploying document). */
function pilotSave(form: PilotFormDto): RecordSave {
  return {
    title: form.name,
    competentUnitId: form.competentUnitId,
    files: { document: form.documentClassified ? [] : form.document },
    submit: form.submit,
  };
}

/** The corrected fields as [before, after] pairs, only those the competent department changed. */
function pilotChanges(
  before: PilotRow,
  after: PilotCorrection,
): Record<string, [unknown, unknown]> {
  const changes: Record<string, [unknown, unknown]> = {};
  if (before.document_number !== after.documentNumber) {
    changes.documentNumber = [before.document_number, after.documentNumber];
  }
  if (before.level !== after.level) {
    changes.level = [before.level, after.level];
  }
  if (before.deployed_on !== after.deployedOn) {
    changes.deployedOn = [before.deployed_on, after.deployedOn];
  }
  if (before.acceptance_due !== after.acceptanceDue) {
    changes.acceptanceDue = [before.acceptance_due, after.acceptanceDue];
  }
  const sortedBefore = [...before.involved_unit_ids].sort((a, b) => a - b);
  const sortedAfter = [...after.involvedUnitIds].sort((a, b) => a - b);
  if (sortedBefore.join(',') !== sortedAfter.join(',')) {
    changes.involvedUnitIds = [sortedBefore, sortedAfter];
  }
  return changes;
}

/**
 * 改革试点: creation by a district with dedup by 文号, confirmation and distribution by the
 * competent department (which may complete 涉及区县), and the streams every involved district
 * then files progress, achievements and acceptance on (pilot-streams.service.ts).
 */
@Injectable()
export class PilotsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly kit: RecordKit,
    private readonly workflow: WorkflowService,
    private readonly attachments: AttachmentsService,
    private readonly dictionaries: DictionariesService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async formOptions(domainId?: number) {
    const { districts, departments } = await districtsAndDepartments(this.dataSource);
    return {
      districts,
      departments,
      domains: await this.dictionaries.activeOptions('domain'),
      tracks: domainId ? await this.dictionaries.activeOptions('track', domainId) : [],
    };
  }

  /**
   * The rules of the pilot form a DTO cannot check, all at once: dates, references, the creator
   * among the involved districts, the 文号 not another pilot's. Fields the DTO refused (`failed`)
   * are not checked (see validateForm). `lineageId` is the edited pilot's, absent for a new one.
   */
  async contentErrors(
    form: PilotFormDto,
    creatorUnitId: number,
    lineageId?: string,
    failed: ReadonlySet<string> = new Set(),
  ): Promise<FieldErrors> {
    const errors = pilotDateErrors(form, failed);
    if (!failed.has('competentUnitId')) {
      if (!(await isActiveDepartment(this.dataSource, form.competentUnitId))) {
        errors.competentUnitId = ['请选择试点主管部门（市级部门）'];
      }
    }
    if (!failed.has('involvedUnitIds')) {
      const involved = [...new Set([creatorUnitId, ...form.involvedUnitIds])];
      if ((await activeDistricts(this.dataSource, involved)).length !== involved.length) {
        errors.involvedUnitIds = ['涉及区县有误，请重新选择'];
      }
    }
    Object.assign(
      errors,
      await dictionaryChoiceErrors(this.dictionaries, form, failed, [
        { field: 'domainId', kind: 'domain', message: '请选择领域' },
        {
          field: 'trackId',
          kind: 'track',
          within: 'domainId',
          message: '所选跑道不属于该领域，请重新选择',
        },
      ]),
    );
    if (
      !failed.has('documentClassified') &&
      !failed.has('document') &&
      form.submit &&
      !form.documentClassified &&
      form.document.length === 0
    ) {
      errors.document = [
        '请上传部署文件的 PDF 扫描件；若文件涉密，请勾选“材料涉密”并通过电子政务内网报送',
      ];
    }
    if (!failed.has('documentClassified') && !failed.has('document') && !form.documentClassified) {
      const notPdf = await nonPdfNames(this.dataSource, form.document);
      if (notPdf.length > 0) {
        errors.document = [
          `部署文件须为 PDF 扫描件，「${notPdf.join('」「')}」不是 PDF：照片或图片不予受理，请扫描为清晰的 PDF 后重新上传`,
        ];
      }
    }
    if (failed.has('documentNumber')) {
      return errors;
    }
    return { ...errors, ...(await this.documentNumberErrors(form.documentNumber, lineageId)) };
  }

  /** The rules of the form (see contentErrors) as one FormInvalidException. */
  private async checkForm(
    form: PilotFormDto,
    creatorUnitId: number,
    lineageId?: string,
  ): Promise<void> {
    // A form that passes goes on to the saving transaction, which claims the 文号 and refuses a
    // taken one itself; a refused form names a taken 文号 along with its other problems.
    const errors = await this.contentErrors(
      form,
      creatorUnitId,
      lineageId,
      new Set(['documentNumber']),
    );
    if (Object.keys(errors).length > 0) {
      const taken = await this.documentNumberErrors(form.documentNumber, lineageId);
      throw new FormInvalidException({ ...errors, ...taken });
    }
  }

  /**
   * The 文号's error when it cannot be this pilot's: another record already owns its normalised
   * form (the existing pilot and the district that created it named), or it does not fit once
   * normalised. No error: {}.
   */
  private async documentNumberErrors(
    documentNumber: string,
    lineageId: string | undefined,
    db: SqlRunner = this.dataSource,
  ): Promise<FieldErrors> {
    const normalized = normalizeDocumentNumber(documentNumber);
    // NFKC may lengthen a number (U+FDFA becomes 18 characters): the column holds 100.
    if ([...normalized].length > 100) {
      return { documentNumber: ['文号含有无法识别的字符，请按部署文件原样填写'] };
    }
    const owner = await documentNumberOwner(db, normalized);
    if (owner && owner.lineage_id !== lineageId) {
      return {
        documentNumber: [
          `文号为“${documentNumber}”的试点已由${owner.unit_name}创建（《${owner.name}》），不能重复创建。如本区县承接了该试点但未列入涉及区县，请联系试点主管部门修改。`,
        ],
      };
    }
    return {};
  }

  /**
   * Claims the normalised 文号 for this pilot (checked again in the saving transaction); a number
   * another record already owns is refused as in documentNumberProblem.
   */
  private async claimDocumentNumber(
    manager: EntityManager,
    documentNumber: string,
    lineageId: string,
  ): Promise<void> {
    const taken = await this.documentNumberErrors(documentNumber, lineageId, manager);
    if (taken.documentNumber) {
      throw new FormInvalidException(taken);
    }
    await registerDocumentNumber(manager, documentNumber, lineageId);
  }

  /**
   * The rules of the pilot form (see contentErrors) for the record kit's routes: a new pilot's
   * creator is the user's district; an edited pilot's creator and lineage are its item's.
   */
  async formErrors(
    form: PilotFormDto,
    failed: ReadonlySet<string>,
    { id, user }: { id: string | undefined; user: AuthUser },
  ): Promise<FieldErrors> {
    if (!id) {
      return this.contentErrors(form, user.unitId, undefined, failed);
    }
    const item = await this.workflow.findVisibleItem(id, user);
    return this.contentErrors(form, item.owner_unit_id, item.lineage_id, failed);
  }

  async create(form: PilotFormDto, user: AuthUser, ip?: string): Promise<string> {
    if (!hasRole(user, 'entry') || user.unitKind !== 'district') {
      throw new NotFoundException();
    }
    await this.checkForm(form, user.unitId);
    try {
      return await this.kit.fileRecord(
        { ...pilotSave(form), type: PILOT_TYPE, ownerUnitId: user.unitId },
        user,
        ip,
        (manager, id) => this.writePilot(manager, id, id, user.unitId, form),
      );
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        // Two districts claimed the same number at the same moment: the other one won.
        throw FormInvalidException.field(
          'documentNumber',
          '该文号的试点刚刚已被其他区县创建，请联系试点主管部门',
        );
      }
      throw error;
    }
  }

  /** Claims the 文号 and writes the revision (the creating district always among the involved). */
  private async writePilot(
    manager: EntityManager,
    id: string,
    lineageId: string,
    creatorUnitId: number,
    form: PilotFormDto,
  ) {
    await this.claimDocumentNumber(manager, form.documentNumber, lineageId);
    await writePilot(manager, {
      id,
      lineage_id: lineageId,
      creator_unit_id: creatorUnitId,
      ...PILOT_FORM.row(form),
      involved_unit_ids: [...new Set([creatorUnitId, ...form.involvedUnitIds])],
      track_id: form.trackId ?? null,
    });
  }

  async update(id: string, form: PilotFormDto, user: AuthUser, ip?: string): Promise<void> {
    await this.kit.updateDraft(
      id,
      {
        type: PILOT_TYPE,
        field: 'name',
        validate: (item) => this.checkForm(form, item.owner_unit_id, item.lineage_id),
      },
      pilotSave(form),
      user,
      ip,
      (manager, item) => this.writePilot(manager, id, item.lineage_id, item.owner_unit_id, form),
    );
  }

  /**
   * 确认分发 by the competent department's clerk: it may complete 涉及区县 (never drop the creating
   * district) and correct the 文号 (same dedup rule as creation), the dates and the 层级 against the
   * deploying document (予以修正); a correction is audited with its before and after values. On
   * approval every involved district gets its stream, a notification and a 待办 entry.
   */
  async confirm(
    id: string,
    form: PilotConfirmationDto,
    user: AuthUser,
    ip?: string,
  ): Promise<void> {
    const item = await this.workflow.findVisibleItem(id, user);
    const before = item.record_type === PILOT_TYPE ? await this.findPilot(id) : undefined;
    if (!before) {
      throw new NotFoundException();
    }
    const after: PilotCorrection = {
      level: form.level ?? before.level,
      documentNumber: form.documentNumber ?? before.document_number,
      deployedOn: form.deployedOn ?? before.deployed_on,
      acceptanceDue: form.acceptanceDue ?? before.acceptance_due,
      involvedUnitIds: [...new Set([item.owner_unit_id, ...form.involvedUnitIds])],
    };
    const atConfirmStep =
      item.state === 'pending' && item.pending_unit_id === user.unitId && hasRole(user, 'entry');
    if (!atConfirmStep) {
      // Not this user's step: the engine refuses (or reports the conflict) and nothing is corrected.
      await this.workflow.transition(
        id,
        { action: 'confirm', expectedVersion: form.version },
        user,
        ip,
      );
      return;
    }
    const errors = await this.correctionErrors(after, item.lineage_id);
    if (Object.keys(errors).length > 0) {
      throw new FormInvalidException(errors);
    }
    const changes = pilotChanges(before, after);
    await this.dataSource.transaction(async (manager) => {
      // The engine checks the actor (competent department clerk at the confirm step) and the version.
      if (changes.documentNumber) {
        await this.claimDocumentNumber(manager, after.documentNumber, item.lineage_id);
      }
      await correctPilot(manager, id, after);
      await this.workflow.transition(
        id,
        { action: 'confirm', expectedVersion: form.version },
        user,
        ip,
        manager,
      );
      if (Object.keys(changes).length > 0) {
        await this.audit.record(
          {
            action: 'pilot_corrected',
            actor: user,
            target: { type: PILOT_TYPE, id, label: before.name },
            detail: changes,
            ip,
          },
          manager,
        );
      }
    });
  }

  /** The rules of the confirmation form (see contentErrors), every problem at once. */
  private async correctionErrors(
    correction: PilotCorrection,
    lineageId: string,
  ): Promise<FieldErrors> {
    const errors = pilotDateErrors(correction);
    const districts = await activeDistricts(this.dataSource, correction.involvedUnitIds);
    if (districts.length !== correction.involvedUnitIds.length) {
      errors.involvedUnitIds = ['涉及区县有误，请重新选择'];
    }
    return {
      ...errors,
      ...(await this.documentNumberErrors(correction.documentNumber, lineageId)),
    };
  }

  revise(id: string, user: AuthUser, ip?: string): Promise<string> {
    return this.kit.reviseRecord(id, PILOT_TABLE, user, ip);
  }

  findPilot(id: string, manager: EntityManager = this.dataSource.manager) {
    return findPilot(manager, id);
  }

  /** The current approved revision of a pilot lineage (what its streams refer to). */
  currentPilot(lineageId: string): Promise<PilotRow | undefined> {
    return currentPilot(this.dataSource, lineageId);
  }

  async page(id: string, user: AuthUser) {
    const item = await this.workflow.findVisibleItem(id, user);
    const pilot = item.record_type === PILOT_TYPE ? await this.findPilot(id) : undefined;
    if (!pilot) {
      throw new NotFoundException();
    }
    const streams = item.is_current_approved
      ? await streamsOfPilot(this.dataSource, item.lineage_id)
      : [];
    const step =
      item.state === 'pending'
        ? this.workflow.chainOf(PILOT_TYPE).steps[item.step ?? 0]
        : undefined;
    const confirming =
      step?.actor === 'competent_entry' &&
      hasRole(user, 'entry') &&
      user.unitId === item.competent_unit_id;
    return {
      item,
      pilot: { ...pilot, levelLabel: PILOT_LEVEL_LABELS[pilot.level] },
      files: await this.attachments.listForItem(id),
      editable: this.workflow.isEditableBy(item, user),
      confirming,
      streams: streams.map((stream) => ({
        ...stream,
        visible:
          stream.unit_id === user.unitId ||
          hasRole(user, 'office', 'leader', 'admin') ||
          user.unitId === pilot.competent_unit_id,
      })),
    };
  }

  /** Involved districts read the pilot once it left draft. */
  viewerUnitIds(item: WorkflowItemRow): Promise<number[]> {
    return involvedUnitIds(this.dataSource, item.id);
  }

  /**
   * On confirmation every involved district gets its own stream (added districts included) and
   * its clerks a notification to update the pilot's progress (manual 四(二)2).
   */
  async onPilotApproved(manager: EntityManager, item: WorkflowItemRow): Promise<void> {
    await distributePilot(manager, item.id);
  }

  /** The 待办 entries of a district clerk: pilots whose progress waits for this quarter's update. */
  async streamsToUpdate(user: AuthUser): Promise<StreamToUpdate[]> {
    if (!hasRole(user, 'entry') || user.unitKind !== 'district') {
      return [];
    }
    return streamsToUpdate(this.dataSource, user.unitId, startOfChinaQuarter(this.clock.now()));
  }

  /**
   * 试点台账: a district sees the pilots it created (newest revision, any state) and the confirmed
   * pilots it is involved in; a department those it is competent for; office and leaders every
   * confirmed pilot.
   */
  async ledger(
    user: AuthUser,
    filter: PilotLedgerFilter,
    pageSize = DEFAULT_PAGE_SIZE,
    db: SqlRunner = this.dataSource,
  ) {
    return ledgerPage(db, user, filter, PILOT_LEDGER, pageSize);
  }
}
