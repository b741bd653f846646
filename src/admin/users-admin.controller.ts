import { Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Roles } from '../auth/auth.decorators.js';
import { ROLES } from '../auth/roles.js';
import { filterField, ledgerQuery } from '../common/http/ledger-query.js';
import { Call } from '../auth/auth.decorators.js';
import {
  AdminCrudController,
  type AdminCall,
  type AdminFormPage,
} from './admin-crud.controller.js';
import { UserFormDto } from './dto/user-form.dto.js';
import { UsersAdminService } from './users-admin.service.js';

/** 录入 and 审核 held by one person: allowed, but they may not review what they submitted. */
export const ROLES_COMBINED_WARNING =
  '该用户同时为录入人员和审核人员：同一人不能连续办理同一记录的两个环节，其上报的记录须由本单位其他审核人员审核，请确认本单位另有审核人员。';

export function combinesEntryAndReview(roles: readonly string[]): boolean {
  return roles.includes('entry') && roles.includes('reviewer');
}

const USER_FILTER = ledgerQuery({
  q: filterField.text('q', 50),
  unitId: filterField.id('unit'),
  role: filterField.oneOf('role', ROLES.codes),
});

/** The account actions on a user's page besides activation: what each does and says. */
const ACCOUNT_ACTIONS = {
  'password-reset': {
    run: (users: UsersAdminService, id: string, { user: admin, ip }: AdminCall) =>
      users.resetPassword(id, admin, ip),
    flash: '密码已重置为初始密码，该用户的登录已失效，下次登录须修改密码',
  },
  'mfa-reset': {
    run: (users: UsersAdminService, id: string, { user: admin, ip }: AdminCall) =>
      users.resetMfa(id, admin, ip),
    flash: '已重置两步验证，该用户的登录已失效，下次登录须重新绑定身份验证器',
  },
  unlock: {
    run: (users: UsersAdminService, id: string, { user: admin, ip }: AdminCall) =>
      users.unlock(id, admin, ip),
    flash: '已解锁',
  },
};

@Controller('admin/users')
@Roles('admin')
export class UsersAdminController extends AdminCrudController<string, UserFormDto> {
  protected readonly form = UserFormDto;

  constructor(private readonly users: UsersAdminService) {
    super();
  }

  @Get()
  async index(@Query() query: Record<string, string>, @Res() reply: FastifyReply) {
    const filter = USER_FILTER.parse(query);
    return reply.view('admin/users/index.hbs', {
      title: '用户管理',
      ...USER_FILTER.page('/admin/users', query, filter, await this.users.list(filter)),
      units: await this.users.unitOptions(),
      roleOptions: ROLES.options(),
    });
  }

  @Get('new')
  newForm(@Res() reply: FastifyReply) {
    return this.renderForm(reply, { status: 200, values: {}, errors: {} });
  }

  @Post(':id/password-reset')
  resetPassword(@Param('id') id: string, @Call() call: AdminCall, @Res() reply: FastifyReply) {
    return this.account('password-reset', id, call, reply);
  }

  @Post(':id/mfa-reset')
  resetMfa(@Param('id') id: string, @Call() call: AdminCall, @Res() reply: FastifyReply) {
    return this.account('mfa-reset', id, call, reply);
  }

  @Post(':id/unlock')
  unlock(@Param('id') id: string, @Call() call: AdminCall, @Res() reply: FastifyReply) {
    return this.account('unlock', id, call, reply);
  }

  private account(
    name: keyof typeof ACCOUNT_ACTIONS,
    id: string,
    call: AdminCall,
    reply: FastifyReply,
  ) {
    const { run, flash } = ACCOUNT_ACTIONS[name];
    const done = run(this.users, id, call).then(() => ({ to: `/admin/users/${id}`, flash }));
    return this.finish(call, reply, done);
  }

  protected parseId(raw: string): string {
    return raw;
  }

  protected async storedValues(id: string) {
    const user = await this.users.find(id);
    return { mobile: user.mobile, name: user.name, unitId: user.unit_id, roles: user.roles };
  }

  protected formErrors(
    form: UserFormDto,
    id: string | undefined,
    failed: ReadonlySet<string>,
    { user: admin }: AdminCall,
  ) {
    return this.users.formErrors(form, admin, id, failed);
  }

  protected async save(id: string | undefined, data: UserFormDto, { user: admin, ip }: AdminCall) {
    const warning = combinesEntryAndReview(data.roles) ? ROLES_COMBINED_WARNING : undefined;
    if (id === undefined) {
      await this.users.create(data, admin, ip);
      const flash = `已新增用户${data.name}，初始密码登录后须修改${warning ? `。${warning}` : ''}`;
      return { to: '/admin/users', flash };
    }
    await this.users.update(id, data, admin, ip);
    return { to: '/admin/users', flash: warning ? `已保存。${warning}` : '已保存' };
  }

  protected async setActive(id: string, active: boolean, { user: admin, ip }: AdminCall) {
    await this.users.setActive(id, active, admin, ip);
    return { to: `/admin/users/${id}`, flash: active ? '已启用' : '已停用，该用户的登录已失效' };
  }

  /** The form; on edit the mobile number is shown as stored (it cannot be changed). */
  protected async renderForm(reply: FastifyReply, page: AdminFormPage<string>) {
    const { status, id, values, errors } = page;
    const user = id ? await this.users.find(id) : undefined;
    const roles = (Array.isArray(values.roles) ? values.roles : [values.roles]).map(String);
    return reply.code(status).view('admin/users/form.hbs', {
      title: id ? '修改用户' : '新增用户',
      id,
      user,
      values: user ? { ...values, mobile: user.mobile } : values,
      errors,
      units: await this.users.unitOptions(),
      roleOptions: ROLES.options().map((option) => ({
        ...option,
        checked: roles.includes(option.value),
      })),
      rolesWarning: combinesEntryAndReview(roles) ? ROLES_COMBINED_WARNING : undefined,
    });
  }
}
