import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth-context.js';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { handleForm, type FieldErrors } from '../common/forms/form-validation.js';
import { setFlash } from '../common/http/flash.js';
import { parsePage } from '../common/http/pagination.js';
import { seeOther } from '../common/htmx/htmx-request.js';
import { WorkflowPanelBuilder } from '../workflow/workflow-panel.js';
import { RiskEventDto, RiskService } from './risk.service.js';

@Controller('risk')
export class RiskController {
  constructor(
    private readonly risk: RiskService,
    private readonly panels: WorkflowPanelBuilder,
  ) {}

  @Get()
  async index(
    @Query() query: Record<string, string>,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const filter = {
      involvedUnitId: Number(query.unit) || undefined,
      levelCode: query.level || undefined,
      page: parsePage(query.page),
    };
    return reply.view('risk/index.hbs', {
      title: '改革风险事件',
      rows: await this.risk.ledger(user, filter),
      filters: filter,
      ...(await this.risk.options()),
      canCreate: user.roles.includes('entry') && this.risk.isReporter(user),
      canEditDeductions: user.roles.includes('office'),
    });
  }

  @Get('new')
  @Roles('entry')
  newForm(@CurrentUser() user: AuthUser, @Res() reply: FastifyReply) {
    return this.renderForm(reply, user, 200, {}, {});
  }

  @Post()
  @Roles('entry')
  create(
    @Body() body: unknown,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return handleForm(
      RiskEventDto,
      body,
      (values, errors) => this.renderForm(reply, user, 422, values, errors),
      async (data) => {
        const id = await this.risk.create(data, user, request.ip);
        setFlash(reply, 'success', data.submit ? '已保存并上报' : '已保存为草稿');
        return seeOther(request, reply, `/risk/${id}`);
      },
    );
  }

  /** 扣分标准 (有事法则): the office edits the values; approved events keep the value they got. */
  @Post('deductions/:code')
  @Roles('office')
  async setDeduction(
    @Param('code') code: string,
    @Body('points') points: string,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    await this.risk.setDeduction(code, Number(points), user, request.ip);
    setFlash(reply, 'success', '扣分标准已更新，只对此后审核通过的事件生效');
    return seeOther(request, reply, '/risk');
  }

  @Get(':id')
  async show(@Param('id') id: string, @CurrentUser() user: AuthUser, @Res() reply: FastifyReply) {
    const page = await this.risk.page(id, user);
    return reply.view('risk/show.hbs', {
      title: page.event.level_label,
      ...page,
      panel: await this.panels.build(page.item, user),
    });
  }

  private async renderForm(
    reply: FastifyReply,
    user: AuthUser,
    status: number,
    values: Record<string, unknown>,
    errors: FieldErrors,
  ) {
    if (!this.risk.isReporter(user)) {
      return reply.code(403).view('errors/error.hbs', {
        status: 403,
        title: '无权填报',
        message: '仅市委网信办、市信访办等风险事件填报单位可以录入改革风险事件。',
      });
    }
    return reply.code(status).view('risk/form.hbs', {
      title: '录入改革风险事件',
      values,
      errors,
      ...(await this.risk.options()),
    });
  }
}
