import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AttachmentsService } from '../../attachments/attachments.service.js';
import type { AuthUser } from '../../auth/auth-context.js';
import { CurrentUser, Roles } from '../../auth/auth.decorators.js';
import { BUSINESS_ROLES } from '../../auth/roles.js';
import { handleForm, type FieldErrors } from '../../common/forms/form-validation.js';
import { setFlash } from '../../common/http/flash.js';
import { seeOther } from '../../common/htmx/htmx-request.js';
import { chinaDate } from '../../common/time/china-time.js';
import { Clock } from '../../common/time/clock.js';
import { WorkflowPanelBuilder } from '../../workflow/workflow-panel.js';
import { BRAND_KIND_LABELS, BRAND_KINDS } from '../project-labels.js';
import { ProjectsService, type ProjectRow } from '../projects.service.js';
import { BrandItemsService } from './brand-items.service.js';
import { requireFilingProject } from './update-access.js';
import { BrandItemFormDto, typedFiles } from './update-forms.dto.js';

/** 品牌显示度推进更新. */
@Controller('major-projects')
@Roles(...BUSINESS_ROLES)
export class BrandItemsController {
  constructor(
    private readonly brands: BrandItemsService,
    private readonly projects: ProjectsService,
    private readonly panels: WorkflowPanelBuilder,
    private readonly attachments: AttachmentsService,
    private readonly clock: Clock,
  ) {}

  @Get(':projectId/brand-items/new')
  @Roles('entry')
  async newForm(
    @Param('projectId') projectId: string,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const project = await requireFilingProject(this.projects, projectId, user);
    return this.renderForm(reply, 200, project, undefined, {}, {}, user);
  }

  @Post(':projectId/brand-items/new')
  @Roles('entry')
  async create(
    @Param('projectId') projectId: string,
    @Body() body: unknown,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const project = await requireFilingProject(this.projects, projectId, user);
    return handleForm(
      BrandItemFormDto,
      body,
      (values, errors) => this.renderForm(reply, 422, project, undefined, values, errors, user),
      async (data) => {
        const id = await this.brands.create(project, data, user, request.ip);
        setFlash(reply, 'success', await this.panels.savedAnswer(id, Boolean(data.submit)));
        return seeOther(request, reply, `/major-projects/brand-items/${id}`);
      },
      (form, failed) => this.brands.formErrors(form, failed),
    );
  }

  @Get('brand-items/:id')
  async show(@Param('id') id: string, @CurrentUser() user: AuthUser, @Res() reply: FastifyReply) {
    const page = await this.brands.page(id, user);
    if (page.editable) {
      const { brand } = page;
      return this.renderForm(
        reply,
        200,
        page.project,
        id,
        {
          happenedOn: brand.happened_on,
          kind: brand.kind,
          situation: brand.situation,
          measuresResults: brand.measures_results,
          details: brand.details,
          evidenceClassified: brand.evidence_classified,
        },
        {},
        user,
      );
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
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const { project } = await this.brands.load(id, user);
    return handleForm(
      BrandItemFormDto,
      body,
      (values, errors) => this.renderForm(reply, 422, project, id, values, errors, user),
      async (data) => {
        await this.brands.update(id, data, user, request.ip);
        setFlash(reply, 'success', await this.panels.savedAnswer(id, Boolean(data.submit)));
        return seeOther(request, reply, `/major-projects/brand-items/${id}`);
      },
      (form, failed) => this.brands.formErrors(form, failed),
    );
  }

  @Post('brand-items/:id/revision')
  @Roles('entry')
  async revise(
    @Param('id') id: string,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const newId = await this.brands.revise(id, user, request.ip);
    setFlash(reply, 'info', '已发起变更：修改后保存并上报，审核通过前仍以原版本为准');
    return seeOther(request, reply, `/major-projects/brand-items/${newId}`);
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
    const typed = typedFiles(values, 'evidence');
    return reply.code(status).view('major-projects/updates/brand-item-form.hbs', {
      title: id ? '修改品牌显示度推进更新' : '品牌显示度推进更新',
      id,
      project,
      values,
      errors,
      today: chinaDate(this.clock.now()),
      kinds: BRAND_KINDS.map((value) => ({ value, label: BRAND_KIND_LABELS[value] })),
      files: typed ? await this.attachments.describe(typed, user) : (page?.files ?? []),
      panel: page ? await this.panels.build(page.item, user, { omit: ['submit'] }) : undefined,
    });
  }
}
