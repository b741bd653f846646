import { Controller, Get, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Roles } from '../auth/auth.decorators.js';
import type { FieldErrors } from '../common/forms/form-validation.js';
import { RecordIdPipe } from '../common/http/params.js';
import {
  DICTIONARY_KIND_CODES,
  DICTIONARY_KINDS,
  DICTIONARY_KIND_LABELS,
  type DictionaryKind,
} from '../dictionaries/dictionary-kinds.js';
import {
  AdminCrudController,
  type AdminCall,
  type AdminFormPage,
} from './admin-crud.controller.js';
import { DictionariesAdminService } from './dictionaries-admin.service.js';
import { DictionaryItemFormDto } from './dto/user-form.dto.js';

/** Kinds managed on their own page; tracks live under their domain. */
const PAGE_KINDS = DICTIONARY_KINDS.filter((kind) => kind !== 'track');

function parseKind(value: unknown): DictionaryKind {
  return DICTIONARY_KIND_CODES.is(value) ? value : 'domain';
}

/** The page a kind's items are listed on (tracks: their domain's). */
const pageOf = (kind: DictionaryKind): DictionaryKind => (kind === 'track' ? 'domain' : kind);
const listOf = (kind: DictionaryKind) => `/admin/dictionaries?kind=${pageOf(kind)}`;

/** Dictionary items: the list page of a kind holds the new item's form; an item has its edit page. */
@Controller('admin/dictionaries')
@Roles('admin')
export class DictionariesAdminController extends AdminCrudController<
  number,
  DictionaryItemFormDto
> {
  protected readonly form = DictionaryItemFormDto;

  constructor(private readonly dictionaries: DictionariesAdminService) {
    super();
  }

  @Get()
  index(@Query('kind') kind: string, @Res() reply: FastifyReply) {
    return this.renderList(reply, 200, pageOf(parseKind(kind)), {}, {});
  }

  protected parseId(raw: string): number {
    return new RecordIdPipe().transform(raw);
  }

  protected async storedValues(id: number) {
    const item = await this.dictionaries.find(id);
    return { label: item.label, description: item.description, sortOrder: item.sort_order };
  }

  /** A new item's kind comes from the page's query; an edited item keeps its own. */
  protected formErrors(
    form: DictionaryItemFormDto,
    id: number | undefined,
    failed: ReadonlySet<string>,
    { query }: AdminCall,
  ) {
    return id === undefined
      ? this.dictionaries.formErrors(parseKind(query.kind), form, failed)
      : {};
  }

  protected async save(id: number | undefined, data: DictionaryItemFormDto, call: AdminCall) {
    if (id === undefined) {
      const kind = parseKind(call.query.kind);
      await this.dictionaries.create(kind, data, call.user, call.ip);
      return { to: listOf(kind), flash: `已新增${DICTIONARY_KIND_LABELS[kind]}“${data.label}”` };
    }
    await this.dictionaries.update(id, data, call.user, call.ip);
    return { to: listOf((await this.dictionaries.find(id)).kind), flash: '已保存' };
  }

  protected async setActive(id: number, active: boolean, { user: admin, ip }: AdminCall) {
    const kind = await this.dictionaries.setActive(id, active, admin, ip);
    return {
      to: listOf(kind),
      flash: active ? undefined : '已停用：新填报不再可选，已有记录不受影响',
    };
  }

  /** A new item's form is on its kind's list page; an item's own page is its edit form. */
  protected async renderForm(reply: FastifyReply, page: AdminFormPage<number>) {
    const { status, id, values, errors } = page;
    const query = page.call?.query ?? {};
    if (id === undefined) {
      const kind = parseKind(query.kind);
      return this.renderList(reply, status, pageOf(kind), values, errors, kind);
    }
    const item = await this.dictionaries.find(id);
    return reply.code(status).view('admin/dictionaries/form.hbs', {
      title: `修改${DICTIONARY_KIND_LABELS[item.kind]}`,
      item,
      listKind: pageOf(item.kind),
      values,
      errors,
    });
  }

  private async renderList(
    reply: FastifyReply,
    status: number,
    kind: DictionaryKind,
    values: Record<string, unknown>,
    errors: FieldErrors,
    formKind?: DictionaryKind,
  ) {
    return reply.code(status).view('admin/dictionaries/index.hbs', {
      title: `字典管理 · ${DICTIONARY_KIND_LABELS[kind]}`,
      kind,
      kindLabel: DICTIONARY_KIND_LABELS[kind],
      kinds: PAGE_KINDS.map((value) => ({
        value,
        label: DICTIONARY_KIND_LABELS[value],
        active: value === kind,
      })),
      items: await this.dictionaries.list(kind),
      values,
      errors,
      formKind: formKind ?? kind,
    });
  }
}
