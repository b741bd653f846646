import { Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { AttachmentsService } from '../attachments/attachments.service.js';
import type { AuthUser } from '../auth/auth-context.js';
import { hasRole } from '../auth/auth-context.js';
import { FormInvalidException, type FieldErrors } from '../common/forms/form-validation.js';
import { DEFAULT_PAGE_SIZE } from '../common/http/pagination.js';
import { SqlConditions } from '../database/sql.js';
import { parseChinaDate, startOfChinaQuarter } from '../common/time/china-time.js';
import { Clock } from '../common/time/clock.js';
import { AuditService } from '../audit/audit.service.js';
import { DictionariesService } from '../dictionaries/dictionaries.service.js';
import { WORKFLOW_STATE_LABELS, type WorkflowState } from '../workflow/workflow-chain.js';
import type { WorkflowItemRow } from '../workflow/workflow-item.js';
import { pageOfListing } from '../workflow/record-kit/listing-page.js';
import type { RecordListing } from '../workflow/workflow-visibility.js';
import { WorkflowService } from '../workflow/workflow.service.js';
import { normalizeDocumentNumber } from './document-number.js';
import type { PilotConfirmationDto, PilotFormDto } from './dto/pilot-form.dto.js';
import type { SqlRunner } from '../database/sql-runner.js';
import {
  activeDistricts,
  correctPilot,
  distributePilot,
  nonPdfNames,
  streamsToUpdate,
  type PilotCorrection,
  type StreamToUpdate,
} from './pilots.queries.js';

export const PILOT_TYPE = 'pilot';

export const PILOT_LEVEL_LABELS = { national: '国家级', municipal: '市级' } as const;

export interface PilotRow {
  id: string;
  lineage_id: string;
  creator_unit_id: number;
  creator_unit_name: string;
  name: string;
  level: 'national' | 'municipal';
  document_title: string;
  document_number: string;
  issuer: string;
  deployed_on: string;
  competent_unit_id: number;
  competent_unit_name: string;
  involved_unit_ids: number[];
  involved_unit_names: string[];
  acceptance_due: string;
  domain_id: number;
  domain: string;
  track_id: number | null;
  track: string | null;
  citywide: boolean;
  document_classified: boolean;
  finished: boolean;
}

const PILOT_COLUMNS = `
  p.id, p.lineage_id, p.creator_unit_id, cu.name AS creator_unit_name, p.name, p.level, p.document_title,
  p.document_number, p.issuer, to_char(p.deployed_on, 'YYYY-MM-DD') AS deployed_on, p.competent_unit_id,
  co.name AS competent_unit_name, p.involved_unit_ids,
  ARRAY(SELECT u.name FROM units u WHERE u.id = ANY(p.involved_unit_ids) ORDER BY u.sort_order) AS involved_unit_names,
  to_char(p.acceptance_due, 'YYYY-MM-DD') AS acceptance_due, p.domain_id, dm.label AS domain, p.track_id,
  tr.label AS track, p.citywide, p.document_classified, p.finished`;
const PILOT_JOINS = `
  JOIN units cu ON cu.id = p.creator_unit_id
  JOIN units co ON co.id = p.competent_unit_id
  JOIN dictionary_items dm ON dm.id = p.domain_id
  LEFT JOIN dictionary_items tr ON tr.id = p.track_id`;

/** Districts involved in a pilot and its competent department list its approved revision. */
export const PILOT_LISTING: RecordListing = {
  scope: { involved: '($1 = ANY(p.involved_unit_ids) OR p.competent_unit_id = $1)' },
  joins: 'JOIN pilots p ON p.id = wi.id',
};

export interface PilotLedgerFilter {
  unitId?: number;
  level?: 'national' | 'municipal';
  competentUnitId?: number;
  state?: WorkflowState;
  due?: boolean;
  accepted?: boolean;
  q?: string;
  page: number;
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
    private readonly workflow: WorkflowService,
    private readonly attachments: AttachmentsService,
    private readonly dictionaries: DictionariesService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async formOptions(domainId?: number) {
    const units: { id: number; name: string; kind: string }[] = await this.dataSource.query(
      `SELECT id, name, kind FROM units WHERE active AND kind IN ('district', 'department') ORDER BY sort_order`,
    );
    return {
      districts: units.filter((unit) => unit.kind === 'district'),
      departments: units.filter((unit) => unit.kind === 'department'),
      domains: await this.dictionaries.activeOptions('domain'),
      tracks: domainId ? await this.dictionaries.activeOptions('track', domainId) : [],
    };
  }

  /**
   * The rules of the pilot form a DTO cannot check, all at once: dates, references, the creator
   * among the involved districts, the 文号 not another pilot's. Fields the DTO refused (`failed`)
   * are not checked (see validateForm). `lineageId` is the edited pilot's, absent for a new one.
   */
  async formErrors(
    form: PilotFormDto,
    creatorUnitId: number,
    lineageId?: string,
    failed: ReadonlySet<string> = new Set(),
  ): Promise<FieldErrors> {
    const errors: FieldErrors = {};
    if (!failed.has('deployedOn') && !parseChinaDate(form.deployedOn)) {
      errors.deployedOn = ['请填写有效的部署时间'];
    }
    if (!failed.has('acceptanceDue')) {
      if (!parseChinaDate(form.acceptanceDue)) {
        errors.acceptanceDue = ['请填写有效的应验收时间'];
      } else if (
        !failed.has('deployedOn') &&
        parseChinaDate(form.deployedOn) &&
        form.acceptanceDue < form.deployedOn
      ) {
        errors.acceptanceDue = ['应验收时间不能早于部署时间'];
      }
    }
    if (!failed.has('competentUnitId')) {
      const competent: { id: number }[] = await this.dataSource.query(
        `SELECT id FROM units WHERE id = $1 AND kind = 'department' AND active`,
        [form.competentUnitId],
      );
      if (competent.length === 0) {
        errors.competentUnitId = ['请选择试点主管部门（市级部门）'];
      }
    }
    if (!failed.has('involvedUnitIds')) {
      const involved = [...new Set([creatorUnitId, ...form.involvedUnitIds])];
      const districts: { id: number }[] = await this.dataSource.query(
        `SELECT id FROM units WHERE id = ANY($1::int[]) AND kind = 'district' AND active`,
        [involved],
      );
      if (districts.length !== involved.length) {
        errors.involvedUnitIds = ['涉及区县有误，请重新选择'];
      }
    }
    if (!failed.has('domainId') && !(await this.dictionaries.isActive('domain', form.domainId))) {
      errors.domainId = ['请选择领域'];
    }
    if (
      !failed.has('domainId') &&
      !failed.has('trackId') &&
      form.trackId !== undefined &&
      !(await this.dictionaries.isActive('track', form.trackId, form.domainId))
    ) {
      errors.trackId = ['所选跑道不属于该领域，请重新选择'];
    }
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
    if (!failed.has('documentNumber')) {
      const problem = await this.documentNumberProblem(
        this.dataSource,
        form.documentNumber,
        lineageId,
      );
      if (problem) {
        errors.documentNumber = [problem];
      }
    }
    return errors;
  }

  /** The rules of the form (see formErrors) as one FormInvalidException; the involved districts. */
  private async checkForm(
    form: PilotFormDto,
    creatorUnitId: number,
    lineageId?: string,
  ): Promise<number[]> {
    // A form that passes goes on to the saving transaction, which claims the 文号 and refuses a
    // taken one itself; a refused form names a taken 文号 along with its other problems.
    const errors = await this.formErrors(
      form,
      creatorUnitId,
      lineageId,
      new Set(['documentNumber']),
    );
    if (Object.keys(errors).length > 0) {
      const problem = await this.documentNumberProblem(
        this.dataSource,
        form.documentNumber,
        lineageId,
      );
      throw new FormInvalidException(problem ? { ...errors, documentNumber: [problem] } : errors);
    }
    return [...new Set([creatorUnitId, ...form.involvedUnitIds])];
  }

  /**
   * Why the 文号 cannot be this pilot's: another record already owns its normalised form (the
   * existing pilot and the district that created it named), or it does not fit once normalised.
   */
  private async documentNumberProblem(
    db: SqlRunner,
    documentNumber: string,
    lineageId: string | undefined,
  ): Promise<string | undefined> {
    const normalized = normalizeDocumentNumber(documentNumber);
    // NFKC may lengthen a number (U+FDFA becomes 18 characters): the column holds 100.
    if ([...normalized].length > 100) {
      return '文号含有无法识别的字符，请按部署文件原样填写';
    }
    const owners: { lineage_id: string; name: string; unit_name: string }[] = await db.query(
      `SELECT n.lineage_id, p.name, u.name AS unit_name
         FROM pilot_document_numbers n
         JOIN LATERAL (SELECT * FROM pilots WHERE lineage_id = n.lineage_id ORDER BY created_at DESC LIMIT 1) p ON true
         JOIN units u ON u.id = p.creator_unit_id
        WHERE n.normalized = $1`,
      [normalized],
    );
    const owner = owners[0];
    if (owner && owner.lineage_id !== lineageId) {
      return `文号为“${documentNumber}”的试点已由${owner.unit_name}创建（《${owner.name}》），不能重复创建。如本区县承接了该试点但未列入涉及区县，请联系试点主管部门修改。`;
    }
    return undefined;
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
    const problem = await this.documentNumberProblem(manager, documentNumber, lineageId);
    if (problem) {
      throw FormInvalidException.field('documentNumber', problem);
    }
    await manager.query(`DELETE FROM pilot_document_numbers WHERE lineage_id = $1`, [lineageId]);
    await manager.query(
      `INSERT INTO pilot_document_numbers (normalized, lineage_id) VALUES ($1, $2)`,
      [normalizeDocumentNumber(documentNumber), lineageId],
    );
  }

  /** The rules of the edit form of a pilot (see formErrors): its creator and lineage are the item's. */
  async editFormErrors(
    id: string,
    form: PilotFormDto,
    user: AuthUser,
    failed: ReadonlySet<string>,
  ): Promise<FieldErrors> {
    const item = await this.workflow.findVisibleItem(id, user);
    return this.formErrors(form, item.owner_unit_id, item.lineage_id, failed);
  }

  async create(form: PilotFormDto, user: AuthUser, ip?: string): Promise<string> {
    if (!hasRole(user, 'entry') || user.unitKind !== 'district') {
      throw new NotFoundException();
    }
    const involved = await this.checkForm(form, user.unitId);
    const id = randomUUID();
    try {
      await this.dataSource.transaction(async (manager) => {
        await this.claimDocumentNumber(manager, form.documentNumber, id);
        await this.workflow.createDraft(
          manager,
          {
            type: PILOT_TYPE,
            id,
            title: form.name,
            ownerUnitId: user.unitId,
            competentUnitId: form.competentUnitId,
          },
          user,
        );
        await this.insertPilot(manager, id, id, user.unitId, form, involved);
        await this.attachments.linkToItem(
          manager,
          id,
          'document',
          form.documentClassified ? [] : form.document,
          user,
        );
        if (form.submit) {
          await this.workflow.transition(id, { action: 'submit' }, user, ip, manager);
        }
      });
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
    return id;
  }

  private async insertPilot(
    manager: EntityManager,
    id: string,
    lineageId: string,
    creatorUnitId: number,
    form: PilotFormDto,
    involved: number[],
  ) {
    await manager.query(
      `INSERT INTO pilots (id, lineage_id, creator_unit_id, name, level, document_title, document_number, issuer, deployed_on,
                           competent_unit_id, involved_unit_ids, acceptance_due, domain_id, track_id, citywide,
                           document_classified, finished)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
      [
        id,
        lineageId,
        creatorUnitId,
        form.name,
        form.level,
        form.documentTitle,
        form.documentNumber,
        form.issuer,
        form.deployedOn,
        form.competentUnitId,
        involved,
        form.acceptanceDue,
        form.domainId,
        form.trackId ?? null,
        form.citywide,
        form.documentClassified,
        form.finished,
      ],
    );
  }

  async update(id: string, form: PilotFormDto, user: AuthUser, ip?: string): Promise<void> {
    const item = await this.workflow.findVisibleItem(id, user);
    if (item.record_type !== PILOT_TYPE) {
      throw new NotFoundException();
    }
    if (!this.workflow.isEditableBy(item, user)) {
      throw FormInvalidException.field(
        'name',
        this.workflow.readOnlyReason(item, user) ?? '当前不能修改',
      );
    }
    const involved = await this.checkForm(form, item.owner_unit_id, item.lineage_id);
    await this.dataSource.transaction(async (manager) => {
      await this.claimDocumentNumber(manager, form.documentNumber, item.lineage_id);
      await manager.query(`DELETE FROM pilots WHERE id = $1`, [id]);
      await this.insertPilot(manager, id, item.lineage_id, item.owner_unit_id, form, involved);
      await this.workflow.updateDraft(manager, id, {
        title: form.name,
        competentUnitId: form.competentUnitId,
      });
      await this.attachments.linkToItem(
        manager,
        id,
        'document',
        form.documentClassified ? [] : form.document,
        user,
      );
      if (form.submit) {
        await this.workflow.transition(id, { action: 'submit' }, user, ip, manager);
      }
    });
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

  /** The rules of the confirmation form (see formErrors), every problem at once. */
  private async correctionErrors(
    correction: PilotCorrection,
    lineageId: string,
  ): Promise<FieldErrors> {
    const errors: FieldErrors = {};
    if (!parseChinaDate(correction.deployedOn)) {
      errors.deployedOn = ['请填写有效的部署时间'];
    }
    if (!parseChinaDate(correction.acceptanceDue)) {
      errors.acceptanceDue = ['请填写有效的应验收时间'];
    } else if (
      parseChinaDate(correction.deployedOn) &&
      correction.acceptanceDue < correction.deployedOn
    ) {
      errors.acceptanceDue = ['应验收时间不能早于部署时间'];
    }
    const districts = await activeDistricts(this.dataSource, correction.involvedUnitIds);
    if (districts.length !== correction.involvedUnitIds.length) {
      errors.involvedUnitIds = ['涉及区县有误，请重新选择'];
    }
    const problem = await this.documentNumberProblem(
      this.dataSource,
      correction.documentNumber,
      lineageId,
    );
    if (problem) {
      errors.documentNumber = [problem];
    }
    return errors;
  }

  async revise(id: string, user: AuthUser, ip?: string): Promise<string> {
    const newId = randomUUID();
    await this.dataSource.transaction(async (manager) => {
      await this.workflow.openRevision(manager, id, newId, user, ip);
      await manager.query(
        `INSERT INTO pilots (id, lineage_id, creator_unit_id, name, level, document_title, document_number, issuer, deployed_on,
                             competent_unit_id, involved_unit_ids, acceptance_due, domain_id, track_id, citywide,
                             document_classified, finished)
         SELECT $2, lineage_id, creator_unit_id, name, level, document_title, document_number, issuer, deployed_on,
                competent_unit_id, involved_unit_ids, acceptance_due, domain_id, track_id, citywide, document_classified, finished
           FROM pilots WHERE id = $1`,
        [id, newId],
      );
    });
    return newId;
  }

  async findPilot(
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<PilotRow | undefined> {
    const rows: PilotRow[] = await manager.query(
      `SELECT ${PILOT_COLUMNS} FROM pilots p ${PILOT_JOINS} WHERE p.id = $1`,
      [id],
    );
    return rows[0];
  }

  /** The current approved revision of a pilot lineage (what its streams refer to). */
  async currentPilot(lineageId: string): Promise<PilotRow | undefined> {
    const rows: PilotRow[] = await this.dataSource.query(
      `SELECT ${PILOT_COLUMNS} FROM pilots p ${PILOT_JOINS}
         JOIN workflow_items wi ON wi.id = p.id AND wi.is_current_approved
        WHERE p.lineage_id = $1`,
      [lineageId],
    );
    return rows[0];
  }

  async page(id: string, user: AuthUser) {
    const item = await this.workflow.findVisibleItem(id, user);
    const pilot = item.record_type === PILOT_TYPE ? await this.findPilot(id) : undefined;
    if (!pilot) {
      throw new NotFoundException();
    }
    const streams: {
      id: string;
      unit_id: number;
      unit_name: string;
      accepted_on: string | null;
      latest_status: string | null;
    }[] = item.is_current_approved
      ? await this.dataSource.query(
          `SELECT s.id, s.unit_id, u.name AS unit_name, to_char(s.accepted_on, 'YYYY-MM-DD') AS accepted_on, s.latest_status
               FROM pilot_streams s JOIN units u ON u.id = s.unit_id WHERE s.pilot_lineage_id = $1 ORDER BY u.sort_order`,
          [item.lineage_id],
        )
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
  async viewerUnitIds(item: WorkflowItemRow): Promise<number[]> {
    const rows: { involved_unit_ids: number[] }[] = await this.dataSource.query(
      `SELECT involved_unit_ids FROM pilots WHERE id = $1`,
      [item.id],
    );
    return rows[0]?.involved_unit_ids ?? [];
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
    const conditions = new SqlConditions([user.unitId]);
    if (filter.unitId) {
      conditions.add('? = ANY(p.involved_unit_ids)', filter.unitId);
    }
    if (filter.level) {
      conditions.add('p.level = ?', filter.level);
    }
    if (filter.competentUnitId) {
      conditions.add('p.competent_unit_id = ?', filter.competentUnitId);
    }
    if (filter.state) {
      conditions.add('wi.state = ?', filter.state);
    }
    if (filter.due) {
      conditions.raw(`p.acceptance_due <= (now() AT TIME ZONE 'Asia/Shanghai')::date`);
    }
    if (filter.accepted) {
      conditions.raw(
        `EXISTS (SELECT 1 FROM pilot_streams s WHERE s.pilot_lineage_id = p.lineage_id AND s.accepted_on IS NOT NULL)`,
      );
    }
    if (filter.q) {
      conditions.add('(p.name ILIKE ? OR p.document_number ILIKE ?)', `%${filter.q}%`);
    }
    const { rows, total } = await pageOfListing<
      PilotRow & { state: WorkflowState; updated_at: Date }
    >(
      db,
      user,
      PILOT_LISTING.scope,
      conditions,
      {
        from: `SELECT ${PILOT_COLUMNS}, wi.state, wi.updated_at
                 FROM pilots p ${PILOT_JOINS} JOIN workflow_items wi ON wi.id = p.id`,
        order: 'v.deployed_on DESC, v.id',
      },
      pageSize,
      filter.page,
    );
    return {
      total,
      rows: rows.map((row) => ({
        ...row,
        levelLabel: PILOT_LEVEL_LABELS[row.level],
        stateLabel: WORKFLOW_STATE_LABELS[row.state],
      })),
    };
  }
}
