import { Controller, Get, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { AuthUser } from '../auth/auth-context.js';
import { Call, CurrentUser, Roles, type Caller } from '../auth/auth.decorators.js';
import { BUSINESS_ROLES } from '../auth/roles.js';
import type { FieldErrors } from '../common/forms/form-validation.js';
import { uploadedFileIds } from '../common/forms/uploaded-files.js';
import { setFlash } from '../common/http/flash.js';
import { asDownload, DOCX_MEDIA_TYPE } from '../common/http/download.js';
import { OnRecord, type RecordCall } from '../workflow/record-kit/record-call.js';
import { seeOther } from '../common/htmx/htmx-request.js';
import { chinaDate } from '../common/time/china-time.js';
import { Clock } from '../common/time/clock.js';
import { saveForm, type PlainForm } from '../workflow/record-kit/save-form.js';
import { BulletinsService, issueLabel } from './bulletins.service.js';
import { BulletinDto } from './dto/bulletin.dto.js';
import { NEWS_USE_LABELS, type NewsUseKind } from './news.queries.js';

const link = (id: string) => `/news/bulletins/${id}`;

/** 《改革简报》: composed, previewed, printed and published by the office; read by everyone. */
@Controller('news/bulletins')
@Roles(...BUSINESS_ROLES)
export class BulletinsController {
  constructor(
    private readonly bulletins: BulletinsService,
    private readonly clock: Clock,
  ) {}

  @Get()
  async index(@CurrentUser() user: AuthUser, @Res() reply: FastifyReply) {
    const rows = await this.bulletins.list(user);
    return reply.view('news/bulletins.hbs', {
      title: '改革简报',
      rows: rows.map((row) => ({ ...row, label: issueLabel(row.year, row.issue_no) })),
      mayCompose: user.roles.includes('office'),
    });
  }

  @Get('new')
  @Roles('office')
  async newForm(@Res() reply: FastifyReply) {
    const today = chinaDate(this.clock.now());
    const values = {
      issueNo: await this.bulletins.nextIssueNo(Number(today.slice(0, 4))),
      issuedOn: today,
      submittedTo: '市委、市人大常委会、市政府、市政协主要领导，市委深改委委员',
      copiedTo: '各区县（自治县）委改革办，市级有关部门',
    };
    return this.renderForm(reply, 200, undefined, values, {});
  }

  @Post()
  @Roles('office')
  async create(@Call() { user, request, body }: Caller, @Res() reply: FastifyReply) {
    return saveForm(request, reply, body, this.form(reply, undefined), (data) =>
      this.bulletins.create(data, user),
    );
  }

  @Get(':id')
  async show(@OnRecord() { id, user }: RecordCall, @Res() reply: FastifyReply) {
    const bulletin = await this.bulletins.view(id, user);
    return reply.view('news/bulletin.hbs', {
      title: `改革简报 ${bulletin.issueLabel}`,
      // body.screen-bulletin: the print styles give the A4 page the whole sheet.
      screenMode: 'bulletin',
      bulletin,
      mayEdit: !bulletin.published_at && user.roles.includes('office'),
    });
  }

  @Get(':id/edit')
  @Roles('office')
  async editForm(@OnRecord() { id, user }: RecordCall, @Res() reply: FastifyReply) {
    const bulletin = await this.bulletins.view(id, user);
    const values = {
      issueNo: bulletin.issue_no,
      issuedOn: bulletin.issued_on,
      editorNote: bulletin.editor_note,
      submittedTo: bulletin.submitted_to,
      copiedTo: bulletin.copied_to,
      items: bulletin.items.map((item) => item.news_item_id),
      candidate: bulletin.items.map((item) => item.news_item_id),
      order: bulletin.items.map((item) => String(item.position)),
      itemTitle: bulletin.items.map((item) => item.title),
    };
    return this.renderForm(reply, 200, id, values, {});
  }

  @Post(':id')
  @Roles('office')
  update(@OnRecord() { id, user, request, body }: RecordCall, @Res() reply: FastifyReply) {
    return saveForm(request, reply, body, this.form(reply, id), async (data) => {
      await this.bulletins.update(id, data, user);
      return id;
    });
  }

  /** 印发: readable by every user from now on; each item gains a 《改革简报》采用. */
  @Post(':id/publish')
  @Roles('office')
  async publish(@OnRecord() { id, user, request, ip }: RecordCall, @Res() reply: FastifyReply) {
    await this.bulletins.publish(id, user, ip);
    setFlash(reply, 'success', '简报已印发，所有用户均可阅读');
    return seeOther(request, reply, link(id));
  }

  @Get(':id/docx')
  async docx(@OnRecord() { id, user }: RecordCall, @Res() reply: FastifyReply) {
    const { fileName, content } = await this.bulletins.docx(id, user);
    return asDownload(reply, { type: DOCX_MEDIA_TYPE, fallback: 'bulletin.docx', name: fileName })
      .header('Cache-Control', 'private, no-store')
      .send(content);
  }

  /** The compose form as the record kit's form helpers read and show it again. */
  private form(reply: FastifyReply, id: string | undefined): PlainForm<BulletinDto> {
    return {
      dto: BulletinDto,
      rules: (form, failed) => this.bulletins.formErrors(form, id, failed),
      rerender: (values, errors) => this.renderForm(reply, 422, id, values, errors),
      link,
      flash: id ? '简报已保存' : '简报已保存，请预览后印发',
    };
  }

  /** The compose form: every approved item as a row (chosen, order, title in the issue). */
  private async renderForm(
    reply: FastifyReply,
    status: number,
    id: string | undefined,
    values: Record<string, unknown>,
    errors: FieldErrors,
  ) {
    const chosen = new Set(uploadedFileIds(values.items));
    const typed = uploadedFileIds(values.candidate);
    const orders = uploadedFileIds(values.order);
    const titles = uploadedFileIds(values.itemTitle);
    const candidates = (await this.bulletins.candidates()).map((row) => {
      const index = typed.indexOf(row.id);
      return {
        ...row,
        usesLabel: row.uses
          .split(',')
          .filter((kind): kind is NewsUseKind => kind in NEWS_USE_LABELS)
          .map((kind) => NEWS_USE_LABELS[kind])
          .join('、'),
        chosen: chosen.has(row.id),
        order: index >= 0 ? orders[index] : '',
        itemTitle: index >= 0 ? titles[index] : row.title,
      };
    });
    // The chosen items first, in their order; then the others, newest first.
    const rank = (row: (typeof candidates)[number]) =>
      row.chosen ? Number(row.order) || 999 : 1000;
    candidates.sort((a, b) => rank(a) - rank(b));
    return reply.code(status).view('news/bulletin-form.hbs', {
      title: id ? '修改改革简报' : '编辑改革简报',
      id,
      values,
      errors,
      candidates,
    });
  }
}
