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
import { BRAND_KIND_LABELS, BRAND_KINDS } from '../project-labels.js';
import { ProjectsService, type ProjectRow } from '../projects.service.js';
import { BrandItemsService } from './brand-items.service.js';
import { projectIdOf, requireFilingProject, type IssuedProjectRow } from './update-access.js';
import { BrandItemFormDto } from './update-forms.dto.js';

type BrandPage = Awaited<ReturnType<BrandItemsService['page']>>;

/** 品牌显示度推进更新. */
@Controller('major-projects')
@Roles(...BUSINESS_ROLES)
export class BrandItemsController extends RecordFormRoutes<BrandItemFormDto, ProjectRow, BrandPage>(
  BrandItemFormDto,
  {
    newForm: ':projectId/brand-items/new',
    record: 'brand-items/:id',
    revise: true,
    link: (id) => `/major-projects/brand-items/${id}`,
  },
) {
  constructor(
    private readonly brands: BrandItemsService,
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

  protected contextOf(page: BrandPage) {
    return page.project;
  }

  protected page(id: string, user: AuthUser) {
    return this.brands.page(id, user);
  }

  protected formValues({ brand }: BrandPage) {
    return {
      happenedOn: brand.happened_on,
      kind: brand.kind,
      situation: brand.situation,
      measuresResults: brand.measures_results,
      details: brand.details,
      evidenceClassified: brand.evidence_classified,
    };
  }

  protected showView(page: BrandPage) {
    return { view: 'major-projects/updates/brand-item-show.hbs', title: page.item.title };
  }

  protected rules(form: BrandItemFormDto, failed: ReadonlySet<string>) {
    return this.brands.formErrors(form, failed);
  }

  protected createRecord(project: ProjectRow, data: BrandItemFormDto, user: AuthUser, ip: string) {
    return this.brands.create(project as IssuedProjectRow, data, user, ip);
  }

  protected updateRecord(id: string, data: BrandItemFormDto, user: AuthUser, ip: string) {
    return this.brands.update(id, data, user, ip);
  }

  protected override reviseRecord(id: string, user: AuthUser, ip: string) {
    return this.brands.revise(id, user, ip);
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
