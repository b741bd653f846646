import { Injectable, NotFoundException } from '@nestjs/common';
import { AttachmentsService } from '../attachments/attachments.service.js';
import type { AuthUser } from '../auth/auth-context.js';
import { hasRole } from '../auth/auth-context.js';
import { FormInvalidException, type FieldErrors } from '../common/forms/form-validation.js';
import { DEFAULT_PAGE_SIZE } from '../common/http/pagination.js';
import { DictionariesService } from '../dictionaries/dictionaries.service.js';
import {
  fileUnitRecord,
  updateUnitRecord,
  type UnitRecordType,
} from '../workflow/record-kit/unit-record-saves.js';
import { RecordKit } from '../workflow/record-kit/record-kit.js';
import { WorkflowService } from '../workflow/workflow.service.js';
import {
  DEMAND_TABLE,
  DEMAND_TYPE,
  demandContent,
  DemandsQueries,
  type DemandLedgerFilter,
  type DemandRow,
} from './demands.queries.js';
import type { DemandFormDto } from './dto/demand-form.dto.js';

export {
  DEMAND_SORTS,
  DEMAND_TYPE,
  LEDGER_COUNT_AHEAD,
  type DemandLedgerFilter,
  type DemandRow,
  type DemandSort,
} from './demands.queries.js';

const DEMAND_RECORD: UnitRecordType<DemandFormDto> = {
  table: DEMAND_TABLE,
  titleField: 'title',
  save: (form) => ({
    title: form.title,
    files: { attachments: form.attachments },
    submit: form.submit,
    content: demandContent(form),
  }),
};

/** 改革需求: a unit's clerk files, its reviewer and the office review (own reviewer → office). */
@Injectable()
export class DemandsService {
  constructor(
    private readonly kit: RecordKit,
    private readonly queries: DemandsQueries,
    private readonly workflow: WorkflowService,
    private readonly attachments: AttachmentsService,
    private readonly dictionaries: DictionariesService,
  ) {}

  async formOptions(domainId?: number) {
    return {
      channels: await this.dictionaries.activeOptions('demand_channel'),
      domains: await this.dictionaries.activeOptions('domain'),
      tracks: domainId ? await this.dictionaries.activeOptions('track', domainId) : [],
    };
  }

  /**
   * The rules of the form a DTO cannot check (active channel, domain and a track of that domain),
   * all at once. Fields the DTO refused (`failed`) are not checked (see validateForm).
   */
  async formErrors(
    form: DemandFormDto,
    failed: ReadonlySet<string> = new Set(),
  ): Promise<FieldErrors> {
    const errors: FieldErrors = {};
    if (
      !failed.has('channelId') &&
      !(await this.dictionaries.isActive('demand_channel', form.channelId))
    ) {
      errors.channelId = ['请选择来源渠道'];
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
    return errors;
  }

  private async checkReferences(form: DemandFormDto): Promise<void> {
    const errors = await this.formErrors(form);
    if (Object.keys(errors).length > 0) {
      throw new FormInvalidException(errors);
    }
  }

  /** A clerk files a new demand: a draft, or straight to the reviewer. */
  async create(form: DemandFormDto, user: AuthUser, ip?: string): Promise<string> {
    if (!hasRole(user, 'entry') || user.unitKind === 'office') {
      throw new NotFoundException();
    }
    await this.checkReferences(form);
    return fileUnitRecord(this.kit, DEMAND_RECORD, form, user, ip);
  }

  /** Edits a draft or returned demand (and optionally submits it). */
  async update(id: string, form: DemandFormDto, user: AuthUser, ip?: string): Promise<void> {
    await this.checkReferences(form);
    await updateUnitRecord(this.kit, DEMAND_RECORD, id, form, user, ip);
  }

  /** Starts a change of an approved demand: a new revision copying the content. */
  revise(id: string, user: AuthUser, ip?: string): Promise<string> {
    return this.kit.reviseRecord(id, DEMAND_TABLE, user, ip);
  }

  async page(id: string, user: AuthUser) {
    const item = await this.workflow.findVisibleItem(id, user);
    if (item.record_type !== DEMAND_TYPE) {
      throw new NotFoundException();
    }
    return {
      item,
      demand: await this.queries.find(id),
      files: await this.attachments.listForItem(id),
      editable: this.workflow.isEditableBy(item, user),
    };
  }

  /**
   * The ledger (台账): outside the filing unit only the current approved revision of each demand;
   * the user's own unit also sees its drafts and records under review (newest revision).
   */
  ledger(
    user: AuthUser,
    filter: DemandLedgerFilter,
    pageSize = DEFAULT_PAGE_SIZE,
  ): Promise<{ rows: DemandRow[]; total: number; more: boolean }> {
    return this.queries.ledger(user, filter, pageSize);
  }

  /** Every demand the ledger's filters select, in the ledger's order, for the Excel export. */
  exportRows(user: AuthUser, filter: DemandLedgerFilter): AsyncIterable<DemandRow[]> {
    return this.queries.exportRows(user, filter);
  }
}
