import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../../auth/auth-context.js';
import { CurrentUser, Roles } from '../../auth/auth.decorators.js';
import { BUSINESS_ROLES } from '../../auth/roles.js';
import type { FieldErrors } from '../../common/forms/form-validation.js';
import { UuidPipe } from '../../common/http/params.js';
import { chinaDate } from '../../common/time/china-time.js';
import { Clock } from '../../common/time/clock.js';
import {
  createFromForm,
  RecordFormViews,
  toRevision,
  updateFromForm,
  type RecordForm,
} from '../../workflow/record-kit/record-forms.js';
import { WorkflowPanelBuilder } from '../../workflow/workflow-panel.js';
import { ProjectsService, type ProjectRow } from '../projects.service.js';
import { PromotionsService } from './promotions.service.js';
import { requireFilingProject } from './update-access.js';
import { PromotionFormDto } from './update-forms.dto.js';

const link = (id: string) => `/major-projects/promotions/${id}`;

/** 经验复制推广推进更新. */
@Controller('major-projects')
@Roles(...BUSINESS_ROLES)
export class PromotionsController {
  constructor(
    private readonly promotions: PromotionsService,
    private readonly projects: ProjectsService,
    private readonly panels: WorkflowPanelBuilder,
    private readonly views: RecordFormViews,
    private readonly clock: Clock,
  ) {}

  @Get(':projectId/promotions/new')
  @Roles('entry')
  async newForm(
    @Param('projectId', new UuidPipe('projectId')) projectId: string,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const project = await requireFilingProject(this.projects, projectId, user);
    return this.renderForm(reply, 200, project, undefined, {}, {}, user);
  }

  @Post(':projectId/promotions/new')
  @Roles('entry')
  async create(
    @Param('projectId', new UuidPipe('projectId')) projectId: string,
    @Body() body: unknown,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const project = await requireFilingProject(this.projects, projectId, user);
    return createFromForm(
      request,
      reply,
      body,
      this.form(reply, project, undefined, user),
      (data) => this.promotions.create(project, data, user, request.ip),
    );
  }

  @Get('promotions/:id')
  async show(
    @Param('id', UuidPipe) id: string,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const page = await this.promotions.page(id, user);
    if (page.editable) {
      const { promotion } = page;
      const values = {
        methodId: promotion.method_id,
        promotedOn: promotion.promoted_on,
        description: promotion.description,
        evidenceClassified: promotion.evidence_classified,
      };
      return this.renderForm(reply, 200, page.project, id, values, {}, user);
    }
    return reply.view('major-projects/updates/promotion-show.hbs', {
      title: page.item.title,
      ...page,
      panel: await this.panels.build(page.item, user),
    });
  }

  @Post('promotions/:id')
  @Roles('entry')
  async update(
    @Param('id', UuidPipe) id: string,
    @Body() body: unknown,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const { project } = await this.promotions.load(id, user);
    return updateFromForm(request, reply, body, id, this.form(reply, project, id, user), (data) =>
      this.promotions.update(id, data, user, request.ip),
    );
  }

  @Post('promotions/:id/revision')
  @Roles('entry')
  async revise(
    @Param('id', UuidPipe) id: string,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return toRevision(request, reply, link(await this.promotions.revise(id, user, request.ip)));
  }

  private form(
    reply: FastifyReply,
    project: ProjectRow,
    id: string | undefined,
    user: AuthUser,
  ): RecordForm<PromotionFormDto> {
    return {
      dto: PromotionFormDto,
      rules: (form, failed) => this.promotions.formErrors(form, failed),
      rerender: (values, errors) => this.renderForm(reply, 422, project, id, values, errors, user),
      link,
    };
  }

  private async renderForm(
    reply: FastifyReply,
    status: number,
    project: ProjectRow,
    id: string | undefined,
    values: Record<string, unknown>,
    errors: FieldErrors,
    user: AuthUser,
  ) {
    const page = id ? await this.promotions.page(id, user) : undefined;
    return reply.code(status).view('major-projects/updates/promotion-form.hbs', {
      title: id ? '修改经验复制推广推进更新' : '经验复制推广推进更新',
      id,
      project,
      values,
      errors,
      today: chinaDate(this.clock.now()),
      methods: await this.promotions.methods(),
      ...(await this.views.extras(values, 'evidence', page, user)),
    });
  }
}
