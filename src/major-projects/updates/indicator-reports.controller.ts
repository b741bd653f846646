import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../../auth/auth-context.js';
import { CurrentUser, Roles } from '../../auth/auth.decorators.js';
import { BUSINESS_ROLES } from '../../auth/roles.js';
import { formValues, type FieldErrors } from '../../common/forms/form-validation.js';
import { UuidPipe } from '../../common/http/params.js';
import { toRevision } from '../../workflow/record-kit/record-forms.js';
import { WorkflowPanelBuilder } from '../../workflow/workflow-panel.js';
import { savePostedForm } from '../form-post.js';
import { ProjectsService, type ProjectRow } from '../projects.service.js';
import {
  actualField,
  actualHint,
  actualsFromBody,
  formatAmount,
  IndicatorReportsService,
  type IndicatorReportForm,
} from './indicator-reports.service.js';
import { requireFilingProject, type IssuedProjectRow } from './update-access.js';

function readForm(body: unknown, indicators: readonly { indicator_key: string }[]) {
  const source = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const form: IndicatorReportForm = {
    month: typeof source.month === 'string' ? source.month.trim() : '',
    actuals: actualsFromBody(body, indicators),
    submit: source.submit === '1',
  };
  return form;
}

/** 量化目标推进更新: the month's actual value of every core indicator. */
@Controller('major-projects')
@Roles(...BUSINESS_ROLES)
export class IndicatorReportsController {
  constructor(
    private readonly reports: IndicatorReportsService,
    private readonly projects: ProjectsService,
    private readonly panels: WorkflowPanelBuilder,
  ) {}

  @Get(':projectId/indicator-reports/new')
  @Roles('entry')
  async newForm(
    @Param('projectId', new UuidPipe('projectId')) projectId: string,
    @Query('month') month: string | undefined,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const project = await requireFilingProject(this.projects, projectId, user);
    const values: Record<string, unknown> = {
      month: typeof month === 'string' && /^\d{4}-\d{2}$/.test(month) ? month : undefined,
    };
    values.month ??= this.reports.defaultMonth(project);
    return this.renderForm(reply, 200, project, undefined, values, {}, user);
  }

  @Post(':projectId/indicator-reports/new')
  @Roles('entry')
  async create(
    @Param('projectId', new UuidPipe('projectId')) projectId: string,
    @Body() body: unknown,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const project = await requireFilingProject(this.projects, projectId, user);
    return this.saveForm(request, reply, body, project, undefined, user, (form) =>
      this.reports.create(project, form, user, request.ip),
    );
  }

  @Get('indicator-reports/:id')
  async show(
    @Param('id', UuidPipe) id: string,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const page = await this.reports.page(id, user);
    if (page.editable && page.project.current_content_id !== null) {
      const values: Record<string, unknown> = { month: page.report.report_month };
      for (const indicator of page.indicators) {
        values[indicator.field] = indicator.actual;
      }
      return this.renderForm(reply, 200, page.project, id, values, {}, user);
    }
    return reply.view('major-projects/updates/indicator-show.hbs', {
      title: page.item.title,
      ...page,
      panel: await this.panels.build(page.item, user),
    });
  }

  @Post('indicator-reports/:id')
  @Roles('entry')
  async update(
    @Param('id', UuidPipe) id: string,
    @Body() body: unknown,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const { project } = await this.reports.load(id, user);
    return this.saveForm(request, reply, body, project, id, user, async (form) => {
      await this.reports.update(id, form, user, request.ip);
      return id;
    });
  }

  /** POST of the report form (new or existing): saved → its page; refused → the form, 422. */
  private async saveForm(
    request: FastifyRequest,
    reply: FastifyReply,
    body: unknown,
    project: ProjectRow,
    id: string | undefined,
    user: AuthUser,
    save: (form: IndicatorReportForm) => Promise<string>,
  ) {
    const form = readForm(body, await this.reports.indicators(project));
    const saveAndAnswer = async () => {
      const savedId = await save(form);
      const flash = await this.panels.savedAnswer(savedId, form.submit);
      return { flash, link: `/major-projects/indicator-reports/${savedId}` };
    };
    return savePostedForm(request, reply, saveAndAnswer, (errors) =>
      this.renderForm(reply, 422, project, id, formValues(body), errors, user),
    );
  }

  @Post('indicator-reports/:id/revision')
  @Roles('entry')
  async revise(
    @Param('id', UuidPipe) id: string,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const newId = await this.reports.revise(id, user, request.ip);
    return toRevision(request, reply, `/major-projects/indicator-reports/${newId}`);
  }

  private async renderForm(
    reply: FastifyReply,
    status: number,
    project: IssuedProjectRow | ProjectRow,
    id: string | undefined,
    values: Record<string, unknown>,
    errors: FieldErrors,
    user: AuthUser,
  ) {
    const page = id ? await this.reports.page(id, user) : undefined;
    const indicators = await this.reports.indicators(project);
    const monthFixed = page !== undefined && page.report.id !== page.report.lineage_id;
    return reply.code(status).view('major-projects/updates/indicator-form.hbs', {
      title: id ? '修改量化目标推进更新' : '量化目标推进更新',
      id,
      project,
      values,
      errors,
      monthFixed,
      monthMin: `${project.plan_year}-01`,
      monthMax: `${project.plan_year}-12`,
      indicators: indicators.map((indicator) => ({
        ...indicator,
        field: actualField(indicator.indicator_key),
        hint: actualHint(indicator),
        annual: formatAmount(indicator.annual_target),
        kindLabel: indicator.cumulative ? '累计值' : '当月值',
      })),
      panel: page ? await this.panels.build(page.item, user, { omit: ['submit'] }) : undefined,
    });
  }
}
