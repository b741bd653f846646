import { Controller, Get, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Roles } from '../auth/auth.decorators.js';
import { filterField, ledgerQuery } from '../common/http/ledger-query.js';
import { RecordIdPipe } from '../common/http/params.js';
import { UNIT_CAPABILITY_LABELS } from '../units/unit-kinds.js';
import {
  AdminCrudController,
  type AdminCall,
  type AdminFormPage,
} from './admin-crud.controller.js';
import { UnitFormDto } from './dto/user-form.dto.js';
import { UnitsAdminService } from './units-admin.service.js';

const UNIT_FILTER = ledgerQuery({
  q: filterField.text('q', 50),
  kind: filterField.oneOf('kind', ['district', 'department', 'office'] as const),
});

const CAPABILITY_OPTIONS = Object.entries(UNIT_CAPABILITY_LABELS).map(([value, label]) => ({
  value,
  label,
}));

@Controller('admin/units')
@Roles('admin')
export class UnitsAdminController extends AdminCrudController<number, UnitFormDto> {
  protected readonly form = UnitFormDto;

  constructor(private readonly units: UnitsAdminService) {
    super();
  }

  @Get()
  async index(@Query() query: Record<string, string>, @Res() reply: FastifyReply) {
    const filter = UNIT_FILTER.parse(query);
    const ledger = UNIT_FILTER.page('/admin/units', query, filter, await this.units.list(filter));
    return reply.view('admin/units/index.hbs', { title: '单位管理', ...ledger });
  }

  @Get('new')
  newForm(@Res() reply: FastifyReply) {
    return this.renderForm(reply, { status: 200, values: { kind: 'department' }, errors: {} });
  }

  protected parseId(raw: string): number {
    return new RecordIdPipe().transform(raw);
  }

  protected async storedValues(id: number) {
    const unit = await this.units.find(id);
    return { ...unit, districtType: unit.district_type, sortOrder: unit.sort_order };
  }

  protected formErrors(form: UnitFormDto, _id: number | undefined, failed: ReadonlySet<string>) {
    return this.units.formErrors(form, failed);
  }

  protected async save(id: number | undefined, data: UnitFormDto, { user: admin, ip }: AdminCall) {
    if (id === undefined) {
      await this.units.create(data, admin, ip);
      return { to: '/admin/units', flash: `已新增单位${data.name}` };
    }
    await this.units.update(id, data, admin, ip);
    return { to: '/admin/units', flash: '已保存' };
  }

  protected async setActive(id: number, active: boolean, { user: admin, ip }: AdminCall) {
    await this.units.setActive(id, active, admin, ip);
    return { to: `/admin/units/${id}`, flash: active ? '已启用该单位' : '已停用该单位' };
  }

  protected async renderForm(reply: FastifyReply, page: AdminFormPage<number>) {
    const { status, id, values, errors } = page;
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
