import { Injectable, NotFoundException } from '@nestjs/common';
import { AttachmentsService } from '../attachments/attachments.service.js';
import { AuditService } from '../audit/audit.service.js';
import { hasRole, type AuthUser } from '../auth/auth-context.js';
import { FormInvalidException, type FieldErrors } from '../common/forms/form-validation.js';
import { chinaDate, parseChinaDate } from '../common/time/china-time.js';
import { Clock } from '../common/time/clock.js';
import { DictionariesService } from '../dictionaries/dictionaries.service.js';
import {
  fileUnitRecord,
  updateUnitRecord,
  type UnitRecordType,
} from '../workflow/record-kit/unit-record-saves.js';
import { RecordKit } from '../workflow/record-kit/record-kit.js';
import { WorkflowService } from '../workflow/workflow.service.js';
import { NEWS_IMAGES_MAX, type NewsFormDto } from './dto/news-form.dto.js';
import type { NewsUseDto } from './dto/news-use.dto.js';
import {
  NEWS_TABLE,
  NEWS_TYPE,
  NEWS_USE_LABELS,
  newsContent,
  NewsQueries,
  type NewsLedgerFilter,
  type NewsRow,
} from './news.queries.js';
import { NewsRequestsQueries } from './news-requests.queries.js';
import { adoptionRate, periodBounds, type NewsPeriod } from './news.view-model.js';

export {
  NEWS_TYPE,
  NEWS_USE_KINDS,
  NEWS_USE_LABELS,
  type NewsLedgerFilter,
  type NewsRow,
  type NewsUseKind,
} from './news.queries.js';
import type { LedgerReader } from '../workflow/record-kit/ledger-routes.js';
import { visibleRecord } from '../workflow/record-kit/visible-record.js';

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png']);

const NEWS_RECORD: UnitRecordType<NewsFormDto> = {
  table: NEWS_TABLE,
  titleField: 'title',
  save: (form) => ({
    title: form.title,
    files: { images: form.images, attachments: form.attachments },
    submit: form.submit,
    content: newsContent(form),
  }),
};

/**
 * 工作动态: a unit's clerk files, its reviewer and the office review (own reviewer → office); the
 * office then records how an approved item was used, each use audited.
 */
@Injectable()
export class NewsService {
  constructor(
    private readonly kit: RecordKit,
    private readonly queries: NewsQueries,
    private readonly requests: NewsRequestsQueries,
    private readonly workflow: WorkflowService,
    private readonly attachments: AttachmentsService,
    private readonly dictionaries: DictionariesService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  today(): string {
    return chinaDate(this.clock.now());
  }

  /** Filing units (districts and departments) file 工作动态; the office reviews them. */
  mayFile(user: AuthUser): boolean {
    return hasRole(user, 'entry') && user.unitKind !== 'office';
  }

  async formOptions(user?: AuthUser) {
    return {
      domains: await this.dictionaries.activeOptions('domain'),
      requests: user ? await this.requests.openForUnit(user.unitId, this.today()) : [],
    };
  }

  /**
   * The rules a DTO cannot check, all at once: 发生日期 not after today, an active domain, images
   * that are JPG or PNG (by content, as stored) and at most nine, a 约稿 addressed to the unit.
   */
  async formErrors(
    form: NewsFormDto,
    user: AuthUser | undefined,
    failed: ReadonlySet<string> = new Set(),
  ): Promise<FieldErrors> {
    const errors: FieldErrors = {};
    if (!failed.has('occurredOn')) {
      const occurredOn = parseChinaDate(form.occurredOn);
      if (!occurredOn || occurredOn > this.today()) {
        errors.occurredOn = ['请填写有效的发生日期（不晚于今天）'];
      }
    }
    if (!failed.has('domainId') && !(await this.dictionaries.isActive('domain', form.domainId))) {
      errors.domainId = ['请选择领域'];
    }
    if (!failed.has('images')) {
      if (form.images.length > NEWS_IMAGES_MAX) {
        errors.images = [`最多上传 ${NEWS_IMAGES_MAX} 张图片，请删除多余的图片`];
      } else if (form.images.length > 0) {
        const stored = await this.queries.mediaTypes(
          form.images.filter((id) => /^[0-9a-f-]{36}$/i.test(id)),
        );
        const notImage = stored.find((file) => !IMAGE_TYPES.has(file.media_type));
        if (notImage) {
          errors.images = [`「${notImage.original_name}」不是 JPG 或 PNG 图片，请删除后重新上传`];
        }
      }
    }
    if (!failed.has('requestId') && form.requestId && user) {
      if (!(await this.requests.isAddressedTo(form.requestId, user.unitId))) {
        errors.requestId = ['请选择发给本单位的约稿'];
      }
    }
    return errors;
  }

  private async check(form: NewsFormDto, user: AuthUser): Promise<void> {
    const errors = await this.formErrors(form, user);
    if (Object.keys(errors).length > 0) {
      throw new FormInvalidException(errors);
    }
  }

  async create(form: NewsFormDto, user: AuthUser, ip?: string): Promise<string> {
    if (!this.mayFile(user)) {
      throw new NotFoundException();
    }
    await this.check(form, user);
    return fileUnitRecord(this.kit, NEWS_RECORD, form, user, ip);
  }

  async update(id: string, form: NewsFormDto, user: AuthUser, ip?: string): Promise<void> {
    await updateUnitRecord(this.kit, NEWS_RECORD, id, form, user, ip, () => this.check(form, user));
  }

  async page(id: string, user: AuthUser) {
    const { item, row: news } = await visibleRecord(this.kit, NEWS_TYPE, id, user, this.queries);
    const files = await this.attachments.listForItem(id);
    return {
      item,
      news,
      images: files.filter((file) => file.field === 'images'),
      files: files.filter((file) => file.field === 'attachments'),
      uses: await this.queries.uses(id),
      editable: this.workflow.isEditableBy(item, user),
      mayRecordUse: hasRole(user, 'office') && item.is_current_approved,
    };
  }

  readonly ledger: LedgerReader<NewsLedgerFilter, NewsRow> = (...page) =>
    this.queries.ledger(...page);

  /** The use rules a DTO cannot check: a date not after today, the fields each kind needs. */
  useErrors(form: NewsUseDto, failed: ReadonlySet<string> = new Set()): FieldErrors {
    const errors: FieldErrors = {};
    if (!failed.has('usedOn')) {
      const usedOn = parseChinaDate(form.usedOn);
      if (!usedOn || usedOn > this.today()) {
        errors.usedOn = ['请填写有效的日期（不晚于今天）'];
      }
    }
    if (form.kind === 'bulletin' && !failed.has('issueLabel') && !form.issueLabel) {
      errors.issueLabel = ['请填写简报期号，如 2026年第3期'];
    }
    if (form.kind === 'instruction') {
      if (!failed.has('instructedBy') && !form.instructedBy) {
        errors.instructedBy = ['请填写批示领导'];
      }
      if (!failed.has('note') && !form.note) {
        errors.note = ['请填写批示内容'];
      }
    }
    return errors;
  }

  /**
   * The office records a use of an approved item (each one audited); 系统发布 once per item.
   * 404 for anyone but the office or for an item that is not approved.
   */
  async recordUse(id: string, form: NewsUseDto, user: AuthUser, ip?: string): Promise<void> {
    if (!hasRole(user, 'office')) {
      throw new NotFoundException();
    }
    const item = await this.kit.requireVisible(id, NEWS_TYPE, user);
    if (!item.is_current_approved) {
      throw FormInvalidException.field('kind', '审核通过后才能登记采用');
    }
    const errors = this.useErrors(form);
    if (Object.keys(errors).length > 0) {
      throw new FormInvalidException(errors);
    }
    await this.kit.transaction(async (manager) => {
      if (form.kind === 'published' && (await this.queries.isPublished(id, manager))) {
        throw FormInvalidException.field('kind', '该工作动态已在系统发布');
      }
      const useId = await this.queries.insertUse(manager, {
        newsItemId: id,
        kind: form.kind,
        usedOn: form.usedOn,
        issueLabel: form.kind === 'bulletin' ? form.issueLabel : null,
        instructedBy: form.kind === 'instruction' ? form.instructedBy : null,
        note: form.note ?? '',
        recordedBy: user.id,
      });
      await this.audit.record(
        {
          action: 'news_use_recorded',
          actor: user,
          ip,
          target: { type: NEWS_TYPE, id, label: item.title },
          detail: { use: useId, kind: NEWS_USE_LABELS[form.kind], usedOn: form.usedOn },
        },
        manager,
      );
    });
  }

  /** The 通报 of a period: per unit, with 采用率 (— when nothing was filed). */
  async stats(period: NewsPeriod) {
    const { from, to } = periodBounds(period);
    const rows = await this.queries.stats(from, to);
    return {
      from,
      to,
      rows: rows.map((row) => ({ ...row, rate: adoptionRate(row.adopted, row.submitted) })),
    };
  }

  /** 报送数 and 采用数 per unit over [from, to], for 系统使用情况考评. */
  async countsByUnit(
    from: string,
    to: string,
  ): Promise<Map<number, { submitted: number; adopted: number; instructions: number }>> {
    const rows = await this.queries.stats(from, to);
    return new Map(
      rows.map((row) => [
        row.unitId,
        { submitted: row.submitted, adopted: row.adopted, instructions: row.instructions },
      ]),
    );
  }

  /** 工作动态 published by the office (系统发布), for every user. */
  feed(
    filter: { unitId?: number; domainId?: number; from?: string; to?: string; page: number },
    pageSize = 10,
  ) {
    return this.queries.feed(filter, pageSize);
  }

  /** One published item as the feed shows it to any user; 404 unless it is published. */
  async publishedItem(id: string) {
    const [news, published] = await Promise.all([
      this.queries.find(id),
      this.queries.isPublished(id),
    ]);
    if (!news || !published || news.state !== 'approved') {
      throw new NotFoundException();
    }
    const images = (await this.attachments.listForItem(id)).filter(
      (file) => file.field === 'images',
    );
    return { news, images };
  }

  async publishedImage(id: string, attachmentId: string) {
    const image = await this.queries.publishedImage(id, attachmentId);
    if (!image) {
      throw new NotFoundException();
    }
    return image;
  }
}
