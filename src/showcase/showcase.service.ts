import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { AttachmentsService } from '../attachments/attachments.service.js';
import type { AuthUser } from '../auth/auth-context.js';
import { hasRole } from '../auth/auth-context.js';
import { evidenceMissing } from '../common/forms/evidence-rule.js';
import { FormInvalidException, type FieldErrors } from '../common/forms/form-validation.js';
import { chinaDate, parseChinaDate } from '../common/time/china-time.js';
import { Clock } from '../common/time/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import {
  fileUnitRecord,
  updateUnitRecord,
  type UnitRecordType,
} from '../workflow/record-kit/unit-record-saves.js';
import { RecordKit } from '../workflow/record-kit/record-kit.js';
import { WorkflowService } from '../workflow/workflow.service.js';
import type { ShowcaseCategory, ShowcaseFormDto } from './dto/showcase-form.dto.js';
import {
  CATEGORY_LABELS,
  highlightContent,
  SHOWCASE_TABLE,
  SHOWCASE_TYPE,
  ShowcaseQueries,
  type DistrictBrandCounts,
  type ShowcaseLedgerFilter,
  type ShowcaseRow,
} from './showcase.queries.js';

export {
  CATEGORY_LABELS,
  SHOWCASE_TYPE,
  type DistrictBrandCounts,
  type ShowcaseRow,
} from './showcase.queries.js';
import type { LedgerReader } from '../workflow/record-kit/ledger-routes.js';
import { visibleRecord } from '../workflow/record-kit/visible-record.js';

const evidenceFiles = (form: ShowcaseFormDto) => ({
  evidence: form.evidenceClassified ? [] : form.evidence,
});

const SHOWCASE_RECORD: UnitRecordType<ShowcaseFormDto> = {
  table: SHOWCASE_TABLE,
  titleField: 'matter',
  save: (form) => ({
    title: form.matter,
    files: evidenceFiles(form),
    submit: form.submit,
    content: highlightContent(form),
  }),
};

/**
 * 成效晾晒: units file highlights (own reviewer → office); only dates inside the evaluation year
 * count; the counts per district feed 改革品牌榜, 一地创新·全市推广 and 品牌显示度.
 */
@Injectable()
export class ShowcaseService {
  constructor(
    private readonly kit: RecordKit,
    private readonly queries: ShowcaseQueries,
    private readonly workflow: WorkflowService,
    private readonly attachments: AttachmentsService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The first day of the evaluation year (configurable; otherwise 1 January of this year in China). */
  yearStart(): string {
    return this.config.evaluationYearStart ?? `${chinaDate(this.clock.now()).slice(0, 4)}-01-01`;
  }

  /** The sub-kinds of a category (表三 ①–⑦, ①–⑥, the five outlets). */
  subKinds(category: ShowcaseCategory): Promise<{ id: number; label: string }[]> {
    return this.queries.subKinds(category);
  }

  definitions() {
    return this.queries.definitions();
  }

  /**
   * The rules of the form a DTO cannot check, all at once. Fields the DTO refused (`failed`) are
   * not checked (see validateForm).
   */
  async formErrors(
    form: ShowcaseFormDto,
    failed: ReadonlySet<string> = new Set(),
  ): Promise<FieldErrors> {
    const errors: FieldErrors = {};
    if (!failed.has('category') && !failed.has('subKindId')) {
      const subKinds = await this.queries.subKinds(form.category);
      if (!subKinds.some((kind) => kind.id === form.subKindId)) {
        errors.subKindId = ['所选具体情形不属于该类别，请重新选择'];
      }
    }
    if (!failed.has('happenedOn')) {
      const start = this.yearStart();
      const happenedOn = parseChinaDate(form.happenedOn);
      if (!happenedOn) {
        errors.happenedOn = ['请填写有效日期'];
      } else if (happenedOn < start) {
        errors.happenedOn = [`只填报 ${start} 以来获肯定、推广、报道的情形`];
      } else if (happenedOn > chinaDate(this.clock.now())) {
        errors.happenedOn = ['日期不能晚于今天'];
      }
    }
    if (
      !failed.has('category') &&
      !failed.has('singleReport') &&
      form.category === 'central_media' &&
      !form.singleReport
    ) {
      errors.singleReport = ['须为前4家报纸单篇或《新闻联播》单条报道（不含综合报道及仅点名提及）'];
    }
    if (evidenceMissing(form, failed)) {
      errors.evidence = ['请上传佐证材料（如会议通知、文件、报道截图）；涉密的请勾选“材料涉密”'];
    }
    return errors;
  }

  private async check(form: ShowcaseFormDto): Promise<void> {
    const errors = await this.formErrors(form);
    if (Object.keys(errors).length > 0) {
      throw new FormInvalidException(errors);
    }
  }

  async create(form: ShowcaseFormDto, user: AuthUser, ip?: string): Promise<string> {
    if (!hasRole(user, 'entry') || user.unitKind === 'office') {
      throw new NotFoundException();
    }
    await this.check(form);
    return fileUnitRecord(this.kit, SHOWCASE_RECORD, form, user, ip);
  }

  async update(id: string, form: ShowcaseFormDto, user: AuthUser, ip?: string): Promise<void> {
    await updateUnitRecord(this.kit, SHOWCASE_RECORD, id, form, user, ip, () => this.check(form));
  }

  async page(id: string, user: AuthUser) {
    const { item, row } = await visibleRecord(this.kit, SHOWCASE_TYPE, id, user, this.queries);
    return {
      item,
      highlight: { ...row, categoryLabel: CATEGORY_LABELS[row.category] },
      files: await this.attachments.listForItem(id),
      editable: this.workflow.isEditableBy(item, user),
    };
  }

  /** Ledger: outside the unit the current approved revision only; the unit sees its own in any state. */
  readonly ledger: LedgerReader<ShowcaseLedgerFilter, ShowcaseRow> = (...page) =>
    this.queries.ledger(...page);

  /**
   * 改革品牌榜 (and 一地创新·全市推广 = the city-wide column): per district, approved highlights
   * dated from the year start up to `asOf`.
   */
  brandCountsByDistrict(
    asOf: string = chinaDate(this.clock.now()),
    from: string = this.yearStart(),
  ): Promise<DistrictBrandCounts[]> {
    return this.queries.brandCountsByDistrict(asOf, from);
  }

  /** The approved highlights of districts dated `from`..`to`: the records behind the brand counts. */
  approvedHighlights(from: string, to: string) {
    return this.queries.approvedHighlights(from, to);
  }
}
