import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AttachmentsService } from '../../attachments/attachments.service.js';
import type { AuthUser } from '../../auth/auth-context.js';
import { CurrentUser, Roles } from '../../auth/auth.decorators.js';
import { BUSINESS_ROLES } from '../../auth/roles.js';
import { handleForm, type FieldErrors } from '../../common/forms/form-validation.js';
import { setFlash } from '../../common/http/flash.js';
import { seeOther } from '../../common/htmx/htmx-request.js';
import { WorkflowPanelBuilder } from '../../workflow/workflow-panel.js';
import { PLAN_STATUS_LABELS, PLAN_STATUSES } from '../project-labels.js';
import { ProjectsService, type ProjectRow } from '../projects.service.js';
import { PlanUpdatesService, type PlanInfo } from './plan-updates.service.js';
import { PlanUpdateFormDto, typedFiles } from './update-forms.dto.js';
import { requireFilingProject } from './update-access.js';

/** 月度计划推进更新: a status update of one monthly plan. */
@Controller('major-projects')
@Roles(...BUSINESS_ROLES)
export class PlanUpdatesController {
  constructor(
    private readonly updates: PlanUpdatesService,
    private readonly projects: ProjectsService,
    private readonly panels: WorkflowPanelBuilder,
    private readonly attachments: AttachmentsService,
  ) {}

  @Get(':projectId/plans/:planKey/updates/new')
  @Roles('entry')
  async newForm(
    @Param('projectId') projectId: string,
    @Param('planKey') planKey: string,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const project = await requireFilingProject(this.projects, projectId, user);
    const plan = await this.updates.requireCurrentPlan(project, planKey);
    return this.renderForm(reply, 200, project, plan, undefined, {}, {}, user);
  }

  @Post(':projectId/plans/:planKey/updates/new')
  @Roles('entry')
  async create(
    @Param('projectId') projectId: string,
    @Param('planKey') planKey: string,
    @Body() body: unknown,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const project = await requireFilingProject(this.projects, projectId, user);
    const plan = await this.updates.requireCurrentPlan(project, planKey);
    return handleForm(
      PlanUpdateFormDto,
      body,
      (values, errors) =>
        this.renderForm(reply, 422, project, plan, undefined, values, errors, user),
      async (data) => {
        const id = await this.updates.create(project, plan, data, user, request.ip);
        setFlash(reply, 'success', await this.panels.savedAnswer(id, Boolean(data.submit)));
        return seeOther(request, reply, `/major-projects/plan-updates/${id}`);
      },
      (form, failed) => this.updates.formErrors(form, failed),
    );
  }

  @Get('plan-updates/:id')
  async show(@Param('id') id: string, @CurrentUser() user: AuthUser, @Res() reply: FastifyReply) {
    const page = await this.updates.page(id, user);
    if (page.editable) {
      const { update } = page;
      return this.renderForm(
        reply,
        200,
        page.project,
        page.plan,
        id,
        {
          status: update.status,
          workDone: update.work_done,
          problems: update.problems,
          nextSteps: update.next_steps,
          nextFrom: update.next_from ?? '',
          nextTo: update.next_to ?? '',
          evidenceClassified: update.evidence_classified,
        },
        {},
        user,
      );
    }
    return reply.view('major-projects/updates/plan-update-show.hbs', {
      title: page.item.title,
      ...page,
      panel: await this.panels.build(page.item, user),
    });
  }

  @Post('plan-updates/:id')
  @Roles('entry')
  async update(
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const { project, plan } = await this.updates.load(id, user);
    return handleForm(
      PlanUpdateFormDto,
      body,
      (values, errors) => this.renderForm(reply, 422, project, plan, id, values, errors, user),
      async (data) => {
        await this.updates.update(id, data, user, request.ip);
        setFlash(reply, 'success', await this.panels.savedAnswer(id, Boolean(data.submit)));
        return seeOther(request, reply, `/major-projects/plan-updates/${id}`);
      },
      (form, failed) => this.updates.formErrors(form, failed),
    );
  }

  @Post('plan-updates/:id/revision')
  @Roles('entry')
  async revise(
    @Param('id') id: string,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const newId = await this.updates.revise(id, user, request.ip);
    setFlash(reply, 'info', '已发起变更：修改后保存并上报，审核通过前仍以原版本为准');
    return seeOther(request, reply, `/major-projects/plan-updates/${newId}`);
  }

  private async renderForm(
    reply: FastifyReply,
    status: number,
    project: ProjectRow,
    plan: PlanInfo,
    id: string | undefined,
    values: Record<string, unknown>,
    errors: FieldErrors,
    user: AuthUser,
  ) {
    const page = id ? await this.updates.page(id, user) : undefined;
    const typed = typedFiles(values, 'evidence');
    return reply.code(status).view('major-projects/updates/plan-update-form.hbs', {
      title: id ? '修改月度计划推进更新' : '月度计划推进更新',
      id,
      project,
      plan,
      values,
      errors,
      statuses: PLAN_STATUSES.map((value) => ({ value, label: PLAN_STATUS_LABELS[value] })),
      history:
        page?.history ??
        (await this.updates.history(project, plan.plan_key, user, page?.update.lineage_id)),
      files: typed ? await this.attachments.describe(typed, user) : (page?.files ?? []),
      panel: page ? await this.panels.build(page.item, user, { omit: ['submit'] }) : undefined,
    });
  }
}
