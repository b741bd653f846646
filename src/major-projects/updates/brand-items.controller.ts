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
import { BRAND_KIND_LABELS, BRAND_KINDS } from '../project-labels.js';
import { ProjectsService, type ProjectRow } from '../projects.service.js';
import { BrandItemsService } from './brand-items.service.js';
import { requireFilingProject } from './update-access.js';
import { BrandItemFormDto } from './update-forms.dto.js';

const link = (id: string) => `/major-projects/brand-items/${id}`;

/** 品牌显示度推进更新. */
@Controller('major-projects')
@Roles(...BUSINESS_ROLES)
export class BrandItemsController {
  constructor(
    private readonly brands: BrandItemsService,
    private readonly projects: ProjectsService,
    private readonly panels: WorkflowPanelBuilder,
    private readonly views: RecordFormViews,
    private readonly clock: Clock,
  ) {}

  @Get(':projectId/brand-items/new')
  @Roles('entry')
  async newForm(
    @Param('projectId', new UuidPipe('projectId')) projectId: string,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const project = await requireFilingProject(this.projects, projectId, user);
    return this.renderForm(reply, 200, project, undefined, {}, {}, user);
  }

  @Post(':projectId/brand-items/new')
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
      (data) => this.brands.create(project, data, user, request.ip),
    );
  }

  @Get('brand-items/:id')
  async show(
    @Param('id', UuidPipe) id: string,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const page = await this.brands.page(id, user);
    if (page.editable) {
      const { brand } = page;
      const values = {
        happenedOn: brand.happened_on,
        kind: brand.kind,
        situation: brand.situation,
        measuresResults: brand.measures_results,
        details: brand.details,
        evidenceClassified: brand.evidence_classified,
      };
      return this.renderForm(reply, 200, page.project, id, values, {}, user);
    }
    return reply.view('major-projects/updates/brand-item-show.hbs', {
      title: page.item.title,
      ...page,
      panel: await this.panels.build(page.item, user),
    });
  }

  @Post('brand-items/:id')
  @Roles('entry')
  async update(
    @Param('id', UuidPipe) id: string,
    @Body() body: unknown,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const { project } = await this.brands.load(id, user);
    return updateFromForm(request, reply, body, id, this.form(reply, project, id, user), (data) =>
      this.brands.update(id, data, user, request.ip),
    );
  }

  @Post('brand-items/:id/revision')
  @Roles('entry')
  async revise(
    @Param('id', UuidPipe) id: string,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return toRevision(request, reply, link(await this.brands.revise(id, user, request.ip)));
  }

  private form(
    reply: FastifyReply,
    project: ProjectRow,
    id: string | undefined,
    user: AuthUser,
  ): RecordForm<BrandItemFormDto> {
    return {
      dto: BrandItemFormDto,
      rules: (form, failed) => this.brands.formErrors(form, failed),
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
    const page = id ? await this.brands.page(id, user) : undefined;
    return reply.code(status).view('major-projects/updates/brand-item-form.hbs', {
      title: id ? '修改品牌显示度推进更新' : '品牌显示度推进更新',
      id,
      project,
      values,
      errors,
      today: chinaDate(this.clock.now()),
      kinds: BRAND_KINDS.map((value) => ({ value, label: BRAND_KIND_LABELS[value] })),
      ...(await this.views.extras(values, 'evidence', page, user)),
    });
  }
}
