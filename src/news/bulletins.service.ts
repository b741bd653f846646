import { Injectable, NotFoundException } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { hasRole, type AuthUser } from '../auth/auth-context.js';
import { FormInvalidException, type FieldErrors } from '../common/forms/form-validation.js';
import { parseChinaDate } from '../common/time/china-time.js';
import { RecordKit } from '../workflow/record-kit/record-kit.js';
import { bulletinDocx } from './bulletin-docx.js';
import { BulletinsQueries } from './bulletins.queries.js';
import type { BulletinDto } from './dto/bulletin.dto.js';
import { NewsQueries } from './news.queries.js';

export const BULLETIN_PUBLISHER = '中共重庆市委全面深化改革委员会办公室';

export const issueLabel = (year: number, issueNo: number) => `${year}年第${issueNo}期`;

const dateLabel = (date: string) =>
  `${Number(date.slice(0, 4))}年${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;

/** The chosen items of a posted issue form, in their order, with the titles as edited. */
export function chosenItems(
  form: BulletinDto,
): { newsItemId: string; title: string; order: number }[] {
  const chosen = new Set(form.items);
  return form.candidate
    .map((id, index) => ({
      newsItemId: id,
      title: (form.itemTitle[index] ?? '').trim(),
      order: Number(form.order[index]),
      index,
    }))
    .filter((row) => chosen.has(row.newsItemId))
    .sort(
      (a, b) =>
        (Number.isFinite(a.order) && a.order > 0 ? a.order : 1e6) -
          (Number.isFinite(b.order) && b.order > 0 ? b.order : 1e6) || a.index - b.index,
    )
    .map(({ newsItemId, title, order }) => ({ newsItemId, title, order }));
}

/**
 * 《改革简报》: the office composes an issue from adopted (approved) items, previews and publishes
 * it; publishing records a 《改革简报》采用 of every item in the issue. Published issues are read
 * by every user; drafts by the office.
 */
@Injectable()
export class BulletinsService {
  constructor(
    private readonly kit: RecordKit,
    private readonly queries: BulletinsQueries,
    private readonly news: NewsQueries,
    private readonly audit: AuditService,
  ) {}

  candidates() {
    return this.queries.candidates();
  }

  nextIssueNo(year: number) {
    return this.queries.nextIssueNo(year);
  }

  async formErrors(
    form: BulletinDto,
    id: string | undefined,
    failed: ReadonlySet<string> = new Set(),
  ): Promise<FieldErrors> {
    const errors: FieldErrors = {};
    const issuedOn = failed.has('issuedOn') ? undefined : parseChinaDate(form.issuedOn);
    if (!failed.has('issuedOn') && !issuedOn) {
      errors.issuedOn = ['请填写有效的印发日期'];
    }
    if (
      issuedOn &&
      !failed.has('issueNo') &&
      (await this.queries.issueTaken(Number(issuedOn.slice(0, 4)), form.issueNo, id))
    ) {
      errors.issueNo = [
        `${issueLabel(Number(issuedOn.slice(0, 4)), form.issueNo)}已存在，请换一个期号`,
      ];
    }
    const items = chosenItems(form);
    if (items.length === 0) {
      errors.items = ['请至少选择一条已采用的工作动态'];
    } else if (items.some((item) => item.title === '' || item.title.length > 200)) {
      errors.items = ['所选工作动态在简报中的标题不能为空，且不超过 200 字'];
    } else if (
      (await this.queries.approvedIds(items.map((item) => item.newsItemId))).length !== items.length
    ) {
      errors.items = ['只能选择审核通过的工作动态'];
    }
    return errors;
  }

  private async check(form: BulletinDto, id?: string): Promise<void> {
    const errors = await this.formErrors(form, id);
    if (Object.keys(errors).length > 0) {
      throw new FormInvalidException(errors);
    }
  }

  private content(form: BulletinDto) {
    return {
      year: Number(form.issuedOn.slice(0, 4)),
      issue_no: form.issueNo,
      issued_on: form.issuedOn,
      editor_note: form.editorNote ?? '',
      submitted_to: form.submittedTo ?? '',
      copied_to: form.copiedTo ?? '',
    };
  }

  async create(form: BulletinDto, user: AuthUser): Promise<string> {
    this.requireOffice(user);
    await this.check(form);
    return this.kit.transaction(async (manager) => {
      const id = await this.queries.insert(manager, { ...this.content(form), createdBy: user.id });
      await this.queries.setItems(manager, id, chosenItems(form));
      return id;
    });
  }

  async update(id: string, form: BulletinDto, user: AuthUser): Promise<void> {
    this.requireOffice(user);
    const existing = await this.queries.find(id);
    if (!existing) {
      throw new NotFoundException();
    }
    if (existing.published_at) {
      throw FormInvalidException.field('issueNo', '已印发的简报不能修改');
    }
    await this.check(form, id);
    await this.kit.transaction(async (manager) => {
      await this.queries.update(manager, id, this.content(form));
      await this.queries.setItems(manager, id, chosenItems(form));
    });
  }

  /** 印发: the issue becomes readable by all, and each item gains a 《改革简报》采用 (audited). */
  async publish(id: string, user: AuthUser, ip?: string): Promise<void> {
    this.requireOffice(user);
    await this.kit.transaction(async (manager) => {
      const bulletin = await this.queries.find(id, manager);
      if (!bulletin) {
        throw new NotFoundException();
      }
      if (!(await this.queries.publish(manager, id))) {
        return;
      }
      const label = issueLabel(bulletin.year, bulletin.issue_no);
      for (const item of bulletin.items) {
        await this.news.insertUse(manager, {
          newsItemId: item.news_item_id,
          kind: 'bulletin',
          usedOn: bulletin.issued_on,
          bulletinId: id,
          issueLabel: label,
          recordedBy: user.id,
        });
      }
      await this.audit.record(
        {
          action: 'news_bulletin_published',
          actor: user,
          ip,
          target: { type: 'news_bulletin', id, label: `改革简报 ${label}` },
          detail: { items: bulletin.items.length },
        },
        manager,
      );
    });
  }

  /** An issue as its pages show it: published for every user, a draft for the office only. */
  async view(id: string, user: AuthUser) {
    const bulletin = await this.queries.find(id);
    if (!bulletin || (!bulletin.published_at && !hasRole(user, 'office'))) {
      throw new NotFoundException();
    }
    return {
      ...bulletin,
      issueLabel: issueLabel(bulletin.year, bulletin.issue_no),
      issuedOnLabel: dateLabel(bulletin.issued_on),
      publisher: BULLETIN_PUBLISHER,
      items: bulletin.items.map((item) => ({
        ...item,
        paragraphs: item.body
          .split(/\n+/)
          .map((line) => line.trim())
          .filter(Boolean),
      })),
    };
  }

  async docx(id: string, user: AuthUser): Promise<{ fileName: string; content: Buffer }> {
    const bulletin = await this.view(id, user);
    return {
      fileName: `改革简报${bulletin.issueLabel}.docx`,
      content: await bulletinDocx({
        issueLabel: bulletin.issueLabel,
        issuedOnLabel: bulletin.issuedOnLabel,
        publisher: bulletin.publisher,
        editorNote: bulletin.editor_note,
        items: bulletin.items.map((item) => ({
          title: item.title,
          paragraphs: item.paragraphs,
          unitName: item.unit_name,
        })),
        submittedTo: bulletin.submitted_to,
        copiedTo: bulletin.copied_to,
      }),
    };
  }

  list(user: AuthUser) {
    return this.queries.list(hasRole(user, 'office'));
  }

  private requireOffice(user: AuthUser): void {
    if (!hasRole(user, 'office')) {
      throw new NotFoundException();
    }
  }
}
