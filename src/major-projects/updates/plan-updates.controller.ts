import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../../auth/auth-context.js';
import { CurrentUser, Roles } from '../../auth/auth.decorators.js';
import { BUSINESS_ROLES } from '../../auth/roles.js';
import type { FieldErrors } from '../../common/forms/form-validation.js';
import { UuidPipe } from '../../common/http/params.js';
import {
  createFromForm,
  RecordFormViews,
  toRevision,
  updateFromForm,
  type RecordForm,
} from '../../workflow/record-kit/record-forms.js';
import { WorkflowPanelBuilder } from '../../workflow/workflow-panel.js';
import { PLAN_STATUS_LABELS, PLAN_STATUSES } from '../project-labels.js';
import { ProjectsService, type ProjectRow } from '../projects.service.js';
import { PlanUpdatesService, type PlanInfo } from './plan-updates.service.js';
import { requireFilingProject } from './update-access.js';
import { PlanUpdateFormDto } from './update-forms.dto.js';

const link = (id: string) => `/major-projects/plan-updates/${id}`;

/** 月度计划推进更新: a status update of one monthly plan. */
@Controller('major-projects')
@Roles(...BUSINESS_ROLES)
export class PlanUpdatesController {
  constructor(
    private readonly updates: PlanUpdatesService,
    private readonly projects: ProjectsService,
    private readonly panels: WorkflowPanelBuilder,
    private readonly views: RecordFormViews,
  ) {}

  @Get(':projectId/plans/:planKey/updates/new')
  @Roles('entry')
  async newForm(
    @Param('projectId', new UuidPipe('projectId')) projectId: string,
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
    @Param('projectId', new UuidPipe('projectId')) projectId: string,
    @Param('planKey') planKey: string,
    @Body() body: unknown,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const project = await requireFilingProject(this.projects, projectId, user);
    const plan = await this.updates.requireCurrentPlan(project, planKey);
    const form = this.form(reply, project, plan, undefined, user);
    return createFromForm(request, reply, body, form, (data) =>
      this.updates.create(project, plan, data, user, request.ip),
    );
  }

  @Get('plan-updates/:id')
  async show(
    @Param('id', UuidPipe) id: string,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const page = await this.updates.page(id, user);
    if (page.editable) {
      const { update } = page;
      const values = {
        status: update.status,
        workDone: update.work_done,
        problems: update.problems,
        nextSteps: update.next_steps,
        nextFrom: update.next_from ?? '',
        nextTo: update.next_to ?? '',
        evidenceClassified: update.evidence_classified,
      };
      return this.renderForm(reply, 200, page.project, page.plan, id, values, {}, user);
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
    @Param('id', UuidPipe) id: string,
    @Body() body: unknown,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const { project, plan } = await this.updates.load(id, user);
    const form = this.form(reply, project, plan, id, user);
    return updateFromForm(request, reply, body, id, form, (data) =>
      this.updates.update(id, data, user, request.ip),
    );
  }

  @Post('plan-updates/:id/revision')
  @Roles('entry')
  async revise(
    @Param('id', UuidPipe) id: string,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return toRevision(request, reply, link(await this.updates.revise(id, user, request.ip)));
  }

  private form(
    reply: FastifyReply,
    project: ProjectRow,
    plan: PlanInfo,
    id: string | undefined,
    user: AuthUser,
  ): RecordForm<PlanUpdateFormDto> {
    return {
      dto: PlanUpdateFormDto,
      rules: (form, failed) => this.updates.formErrors(form, failed),
      rerender: (values, errors) =>
        this.renderForm(reply, 422, project, plan, id, values, errors, user),
      link,
    };
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
      ...(await this.views.extras(values, 'evidence', page, user)),
    });
  }
}
