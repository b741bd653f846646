import { Controller, Get, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { AuthUser } from '../auth/auth-context.js';
import { Call, CurrentUser, Roles, type Caller } from '../auth/auth.decorators.js';
import { BUSINESS_ROLES } from '../auth/roles.js';
import type { FieldErrors } from '../common/forms/form-validation.js';
import { OnRecord, type RecordCall } from '../workflow/record-kit/record-call.js';
import { UnitOptions } from '../units/unit-options.js';
import { saveForm } from '../workflow/record-kit/save-form.js';
import { NewsRequestDto } from './dto/news-request.dto.js';
import { NewsRequestsService } from './news-requests.service.js';

/** 约稿: the office's requests for a piece, and the units' view of those sent to them. */
@Controller('news/requests')
@Roles(...BUSINESS_ROLES)
export class NewsRequestsController {
  constructor(
    private readonly requests: NewsRequestsService,
    private readonly unitOptions: UnitOptions,
  ) {}

  @Get()
  async index(@CurrentUser() user: AuthUser, @Res() reply: FastifyReply) {
    return this.render(reply, user, 200, {}, {});
  }

  @Post()
  @Roles('office')
  async create(@Call() { user, request, body, ip }: Caller, @Res() reply: FastifyReply) {
    return saveForm(
      request,
      reply,
      body,
      {
        dto: NewsRequestDto,
        rules: (form, failed) => this.requests.formErrors(form, failed),
        rerender: (values, errors) => this.render(reply, user, 422, values, errors),
        link: (id) => `/news/requests/${id}`,
        flash: '约稿已发出，将出现在所选单位的待办中',
      },
      (data) => this.requests.create(data, user, ip),
    );
  }

  @Get(':id')
  async show(@OnRecord() { id, user }: RecordCall, @Res() reply: FastifyReply) {
    const page = await this.requests.page(id, user);
    return reply.view('news/request.hbs', { title: `约稿：${page.request.topic}`, ...page });
  }

  private async render(
    reply: FastifyReply,
    user: AuthUser,
    status: number,
    values: Record<string, unknown>,
    errors: FieldErrors,
  ) {
    const chosen = new Set(
      (Array.isArray(values.unitIds) ? values.unitIds : [values.unitIds]).map(String),
    );
    const mayCreate = user.roles.includes('office');
    return reply.code(status).view('news/requests.hbs', {
      title: '约稿',
      rows: await this.requests.list(user),
      mayCreate,
      units: mayCreate
        ? (await this.unitOptions.filing()).map((unit) => ({
            ...unit,
            checked: chosen.has(String(unit.id)),
          }))
        : [],
      values,
      errors,
      today: this.requests.today(),
    });
  }
}
