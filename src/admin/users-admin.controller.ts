import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth-context.js';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { ROLE_CODES, ROLE_LABELS, isRoleCode } from '../auth/roles.js';
import {
  type FieldErrors,
  FormInvalidException,
  formValues,
  handleForm,
  validateForm,
} from '../common/forms/form-validation.js';
import { setFlash } from '../common/http/flash.js';
import { buildPagination, parsePage } from '../common/http/pagination.js';
import { optionalId } from '../common/http/params.js';
import { seeOther } from '../common/htmx/htmx-request.js';
import { UserFormDto } from './dto/user-form.dto.js';
import { UsersAdminService } from './users-admin.service.js';
import { searchText } from '../common/http/search-text.js';

/** 录入 and 审核 held by one person: allowed, but they may not review what they submitted. */
export const ROLES_COMBINED_WARNING =
  '该用户同时为录入人员和审核人员：同一人不能连续办理同一记录的两个环节，其上报的记录须由本单位其他审核人员审核，请确认本单位另有审核人员。';

export function combinesEntryAndReview(roles: readonly string[]): boolean {
  return roles.includes('entry') && roles.includes('reviewer');
}

const ROLE_OPTIONS = ROLE_CODES.map((value) => ({ value, label: ROLE_LABELS[value] }));

@Controller('admin/users')
@Roles('admin')
export class UsersAdminController {
  constructor(private readonly users: UsersAdminService) {}

  @Get()
  async index(@Query() query: Record<string, string>, @Res() reply: FastifyReply) {
    const page = parsePage(query.page);
    const role: unknown = query.role;
    const filter = {
      q: searchText(query.q, 50),
      unitId: optionalId(query.unit, 'unit'),
      role: typeof role === 'string' && isRoleCode(role) ? role : undefined,
      page,
    };
    const { rows, total } = await this.users.list(filter);
    return reply.view('admin/users/index.hbs', {
      title: '用户管理',
      rows,
      total,
      filters: { ...filter, role: filter.role ?? '' },
      units: await this.users.unitOptions(),
      roleOptions: ROLE_OPTIONS,
      pagination: buildPagination('/admin/users', query, page, total),
    });
  }

  @Get('new')
  newForm(@Res() reply: FastifyReply) {
    return this.renderForm(reply, 200, undefined, {}, {});
  }

  @Post()
  async create(
    @Body() body: unknown,
    @CurrentUser() admin: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return handleForm(
      UserFormDto,
      body,
      (values, errors) => this.renderForm(reply, 422, undefined, values, errors),
      async (data) => {
        await this.users.create(data, admin, request.ip);
        setFlash(
          reply,
          'success',
          `已新增用户${data.name}，初始密码登录后须修改` +
            (combinesEntryAndReview(data.roles) ? `。${ROLES_COMBINED_WARNING}` : ''),
        );
        return seeOther(request, reply, '/admin/users');
      },
      (form, failed) => this.users.formErrors(form, admin, undefined, failed),
    );
  }

  @Get(':id')
  async edit(@Param('id') id: string, @Res() reply: FastifyReply) {
    const user = await this.users.find(id);
    return this.renderForm(
      reply,
      200,
      id,
      { mobile: user.mobile, name: user.name, unitId: user.unit_id, roles: user.roles },
      {},
    );
  }

  @Post(':id')
  async update(
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentUser() admin: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const values = { ...formValues(body), mobile: (await this.users.find(id)).mobile };
    const form = await validateForm(UserFormDto, body, (data, failed) =>
      this.users.formErrors(data, admin, id, failed),
    );
    if (!form.ok) {
      return this.renderForm(reply, 422, id, values, form.errors);
    }
    try {
      await this.users.update(id, form.data, admin, request.ip);
    } catch (error) {
      if (error instanceof FormInvalidException) {
        return this.renderForm(reply, 422, id, values, error.errors);
      }
      throw error;
    }
    setFlash(
      reply,
      'success',
      combinesEntryAndReview(form.data.roles) ? `已保存。${ROLES_COMBINED_WARNING}` : '已保存',
    );
    return seeOther(request, reply, '/admin/users');
  }

  @Post(':id/password-reset')
  async resetPassword(
    @Param('id') id: string,
    @CurrentUser() admin: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    await this.users.resetPassword(id, admin, request.ip);
    setFlash(reply, 'success', '密码已重置为初始密码，该用户的登录已失效，下次登录须修改密码');
    return seeOther(request, reply, `/admin/users/${id}`);
  }

  @Post(':id/mfa-reset')
  async resetMfa(
    @Param('id') id: string,
    @CurrentUser() admin: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    await this.users.resetMfa(id, admin, request.ip);
    setFlash(reply, 'success', '已重置两步验证，该用户的登录已失效，下次登录须重新绑定身份验证器');
    return seeOther(request, reply, `/admin/users/${id}`);
  }

  @Post(':id/deactivation')
  async deactivate(
    @Param('id') id: string,
    @CurrentUser() admin: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    await this.users.setActive(id, false, admin, request.ip);
    setFlash(reply, 'success', '已停用，该用户的登录已失效');
    return seeOther(request, reply, `/admin/users/${id}`);
  }

  @Post(':id/activation')
  async activate(
    @Param('id') id: string,
    @CurrentUser() admin: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    await this.users.setActive(id, true, admin, request.ip);
    setFlash(reply, 'success', '已启用');
    return seeOther(request, reply, `/admin/users/${id}`);
  }

  @Post(':id/unlock')
  async unlock(
    @Param('id') id: string,
    @CurrentUser() admin: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    await this.users.unlock(id, admin, request.ip);
    setFlash(reply, 'success', '已解锁');
    return seeOther(request, reply, `/admin/users/${id}`);
  }

  private async renderForm(
    reply: FastifyReply,
    status: number,
    id: string | undefined,
    values: Record<string, unknown>,
    errors: FieldErrors,
  ) {
    const roles = (Array.isArray(values.roles) ? values.roles : [values.roles]).map(String);
    return reply.code(status).view('admin/users/form.hbs', {
      title: id ? '修改用户' : '新增用户',
      id,
      user: id ? await this.users.find(id) : undefined,
      values,
      errors,
      units: await this.users.unitOptions(),
      roleOptions: ROLE_OPTIONS.map((option) => ({
        ...option,
        checked: roles.includes(option.value),
      })),
      rolesWarning: combinesEntryAndReview(roles) ? ROLES_COMBINED_WARNING : undefined,
    });
  }
}
