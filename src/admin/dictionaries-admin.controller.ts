import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth-context.js';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import {
  type FieldErrors,
  formValues,
  handleForm,
  validateForm,
} from '../common/forms/form-validation.js';
import { setFlash } from '../common/http/flash.js';
import { seeOther } from '../common/htmx/htmx-request.js';
import {
  DICTIONARY_KINDS,
  DICTIONARY_KIND_LABELS,
  type DictionaryKind,
} from '../dictionaries/dictionary-kinds.js';
import { DictionariesAdminService } from './dictionaries-admin.service.js';
import { DictionaryItemFormDto } from './dto/user-form.dto.js';
import { RecordIdPipe } from '../common/http/params.js';

/** Kinds managed on their own page; tracks live under their domain. */
const PAGE_KINDS = DICTIONARY_KINDS.filter((kind) => kind !== 'track');

function parseKind(value: unknown): DictionaryKind {
  return (DICTIONARY_KINDS as readonly unknown[]).includes(value)
    ? (value as DictionaryKind)
    : 'domain';
}

@Controller('admin/dictionaries')
@Roles('admin')
export class DictionariesAdminController {
  constructor(private readonly dictionaries: DictionariesAdminService) {}

  @Get()
  index(@Query('kind') kind: string, @Res() reply: FastifyReply) {
    return this.renderList(
      reply,
      200,
      parseKind(kind) === 'track' ? 'domain' : parseKind(kind),
      {},
      {},
    );
  }

  @Post()
  async create(
    @Query('kind') rawKind: string,
    @Body() body: unknown,
    @CurrentUser() admin: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const kind = parseKind(rawKind);
    const page = kind === 'track' ? 'domain' : kind;
    return handleForm(
      DictionaryItemFormDto,
      body,
      (values, errors) => this.renderList(reply, 422, page, values, errors, kind),
      async (data) => {
        await this.dictionaries.create(kind, data, admin, request.ip);
        setFlash(reply, 'success', `已新增${DICTIONARY_KIND_LABELS[kind]}“${data.label}”`);
        return seeOther(request, reply, `/admin/dictionaries?kind=${page}`);
      },
      (form, failed) => this.dictionaries.formErrors(kind, form, failed),
    );
  }

  @Get(':id')
  async edit(@Param('id', RecordIdPipe) id: number, @Res() reply: FastifyReply) {
    const item = await this.dictionaries.find(id);
    return this.renderEdit(
      reply,
      200,
      id,
      { label: item.label, description: item.description, sortOrder: item.sort_order },
      {},
    );
  }

  @Post(':id')
  async update(
    @Param('id', RecordIdPipe) id: number,
    @Body() body: unknown,
    @CurrentUser() admin: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const form = await validateForm(DictionaryItemFormDto, body);
    if (!form.ok) {
      return this.renderEdit(reply, 422, id, formValues(body), form.errors);
    }
    await this.dictionaries.update(id, form.data, admin, request.ip);
    const item = await this.dictionaries.find(id);
    setFlash(reply, 'success', '已保存');
    return seeOther(
      request,
      reply,
      `/admin/dictionaries?kind=${item.kind === 'track' ? 'domain' : item.kind}`,
    );
  }

  @Post(':id/activation')
  async activate(
    @Param('id', RecordIdPipe) id: number,
    @CurrentUser() admin: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const kind = await this.dictionaries.setActive(id, true, admin, request.ip);
    return seeOther(
      request,
      reply,
      `/admin/dictionaries?kind=${kind === 'track' ? 'domain' : kind}`,
    );
  }

  @Post(':id/deactivation')
  async deactivate(
    @Param('id', RecordIdPipe) id: number,
    @CurrentUser() admin: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const kind = await this.dictionaries.setActive(id, false, admin, request.ip);
    setFlash(reply, 'success', '已停用：新填报不再可选，已有记录不受影响');
    return seeOther(
      request,
      reply,
      `/admin/dictionaries?kind=${kind === 'track' ? 'domain' : kind}`,
    );
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

  private async renderEdit(
    reply: FastifyReply,
    status: number,
    id: number,
    values: Record<string, unknown>,
    errors: FieldErrors,
  ) {
    const item = await this.dictionaries.find(id);
    return reply.code(status).view('admin/dictionaries/form.hbs', {
      title: `修改${DICTIONARY_KIND_LABELS[item.kind]}`,
      item,
      listKind: item.kind === 'track' ? 'domain' : item.kind,
      values,
      errors,
    });
  }
}
