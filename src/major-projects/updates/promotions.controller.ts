import { Controller } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { AuthUser } from '../../auth/auth-context.js';
import { Roles } from '../../auth/auth.decorators.js';
import { BUSINESS_ROLES } from '../../auth/roles.js';
import type { FieldErrors } from '../../common/forms/form-validation.js';
import { chinaDate } from '../../common/time/china-time.js';
import { Clock } from '../../common/time/clock.js';
import { RecordFormViews } from '../../workflow/record-kit/record-forms.js';
import { RecordFormRoutes } from '../../workflow/record-kit/record-routes.js';
import { WorkflowPanelBuilder } from '../../workflow/workflow-panel.js';
import { ProjectsService, type ProjectRow } from '../projects.service.js';
import { PromotionsService } from './promotions.service.js';
import { projectIdOf, requireFilingProject, type IssuedProjectRow } from './update-access.js';
import { PromotionFormDto } from './update-forms.dto.js';

type PromotionPage = Awaited<ReturnType<PromotionsService['page']>>;

/** 经验复制推广推进更新. */
@Controller('major-projects')
@Roles(...BUSINESS_ROLES)
export class PromotionsController extends RecordFormRoutes<
  PromotionFormDto,
  ProjectRow,
  PromotionPage
>(PromotionFormDto, {
  newForm: ':projectId/promotions/new',
  record: 'promotions/:id',
  revise: true,
  link: (id) => `/major-projects/promotions/${id}`,
}) {
  constructor(
    private readonly promotions: PromotionsService,
    private readonly projects: ProjectsService,
    protected readonly panels: WorkflowPanelBuilder,
    private readonly views: RecordFormViews,
    private readonly clock: Clock,
  ) {
    super();
  }

  protected filingContext(params: Record<string, string>, user: AuthUser) {
    return requireFilingProject(this.projects, projectIdOf(params), user);
  }

  protected contextOf(page: PromotionPage) {
    return page.project;
  }

  protected page(id: string, user: AuthUser) {
    return this.promotions.page(id, user);
  }

  protected formValues({ promotion }: PromotionPage) {
    return {
      methodId: promotion.method_id,
      promotedOn: promotion.promoted_on,
      description: promotion.description,
      evidenceClassified: promotion.evidence_classified,
    };
  }

  protected showView(page: PromotionPage) {
    return { view: 'major-projects/updates/promotion-show.hbs', title: page.item.title };
  }

  protected rules(form: PromotionFormDto, failed: ReadonlySet<string>) {
    return this.promotions.formErrors(form, failed);
  }

  protected createRecord(project: ProjectRow, data: PromotionFormDto, user: AuthUser, ip: string) {
    return this.promotions.create(project as IssuedProjectRow, data, user, ip);
  }

  protected updateRecord(id: string, data: PromotionFormDto, user: AuthUser, ip: string) {
    return this.promotions.update(id, data, user, ip);
  }

  protected override reviseRecord(id: string, user: AuthUser, ip: string) {
    return this.promotions.revise(id, user, ip);
  }

  protected async renderForm(
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
