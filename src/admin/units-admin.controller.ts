import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth-context.js';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { type FieldErrors, handleForm } from '../common/forms/form-validation.js';
import { setFlash } from '../common/http/flash.js';
import { buildPagination, parsePage } from '../common/http/pagination.js';
import { seeOther } from '../common/htmx/htmx-request.js';
import { UNIT_CAPABILITY_LABELS } from '../units/unit-kinds.js';
import { UnitFormDto } from './dto/user-form.dto.js';
import { UnitsAdminService } from './units-admin.service.js';
import { searchText } from '../common/http/search-text.js';
import { RecordIdPipe } from '../common/http/params.js';

const CAPABILITY_OPTIONS = Object.entries(UNIT_CAPABILITY_LABELS).map(([value, label]) => ({
  value,
  label,
}));

@Controller('admin/units')
@Roles('admin')
export class UnitsAdminController {
  constructor(private readonly units: UnitsAdminService) {}

  @Get()
  async index(@Query() query: Record<string, string>, @Res() reply: FastifyReply) {
    const page = parsePage(query.page);
    const kind =
      query.kind === 'district' || query.kind === 'department' || query.kind === 'office'
        ? query.kind
        : undefined;
    const { rows, total } = await this.units.list({
      q: searchText(query.q, 50),
      kind,
      page,
    });
    return reply.view('admin/units/index.hbs', {
      title: '单位管理',
      rows,
      total,
      filters: { q: query.q ?? '', kind: kind ?? '' },
      pagination: buildPagination('/admin/units', query, page, total),
    });
  }

  @Get('new')
  newForm(@Res() reply: FastifyReply) {
    return this.renderForm(reply, 200, undefined, { kind: 'department' }, {});
  }

  @Post()
  async create(
    @Body() body: unknown,
    @CurrentUser() admin: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return handleForm(
      UnitFormDto,
      body,
      (values, errors) => this.renderForm(reply, 422, undefined, values, errors),
      async (data) => {
        await this.units.create(data, admin, request.ip);
        setFlash(reply, 'success', `已新增单位${data.name}`);
        return seeOther(request, reply, '/admin/units');
      },
      (form, failed) => this.units.formErrors(form, failed),
    );
  }

  @Get(':id')
  async edit(@Param('id', RecordIdPipe) id: number, @Res() reply: FastifyReply) {
    const unit = await this.units.find(id);
    return this.renderForm(
      reply,
      200,
      id,
      { ...unit, districtType: unit.district_type, sortOrder: unit.sort_order },
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
    return handleForm(
      UnitFormDto,
      body,
      (values, errors) => this.renderForm(reply, 422, id, values, errors),
      async (data) => {
        await this.units.update(id, data, admin, request.ip);
        setFlash(reply, 'success', '已保存');
        return seeOther(request, reply, '/admin/units');
      },
      (form, failed) => this.units.formErrors(form, failed),
    );
  }

  @Post(':id/deactivation')
  async deactivate(
    @Param('id', RecordIdPipe) id: number,
    @CurrentUser() admin: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    await this.units.setActive(id, false, admin, request.ip);
    setFlash(reply, 'success', '已停用该单位');
    return seeOther(request, reply, `/admin/units/${id}`);
  }

  @Post(':id/activation')
  async activate(
    @Param('id', RecordIdPipe) id: number,
    @CurrentUser() admin: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    await this.units.setActive(id, true, admin, request.ip);
    setFlash(reply, 'success', '已启用该单位');
    return seeOther(request, reply, `/admin/units/${id}`);
  }

  private async renderForm(
    reply: FastifyReply,
    status: number,
    id: number | undefined,
    values: Record<string, unknown>,
    errors: FieldErrors,
  ) {
    const capabilities = (
      Array.isArray(values.capabilities) ? values.capabilities : [values.capabilities]
    ).map(String);
    return reply.code(status).view('admin/units/form.hbs', {
      title: id ? '修改单位' : '新增单位',
      id,
      unit: id ? await this.units.find(id) : undefined,
      values,
      errors,
      capabilityOptions: CAPABILITY_OPTIONS.map((option) => ({
        ...option,
        checked: capabilities.includes(option.value),
      })),
    });
  }
}
