import { Controller } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { AuthUser } from '../../auth/auth-context.js';
import { Roles } from '../../auth/auth.decorators.js';
import { BUSINESS_ROLES } from '../../auth/roles.js';
import type { FieldErrors } from '../../common/forms/form-validation.js';
import { RecordFormViews } from '../../workflow/record-kit/record-forms.js';
import { RecordFormRoutes } from '../../workflow/record-kit/record-routes.js';
import { WorkflowPanelBuilder } from '../../workflow/workflow-panel.js';
import { PLAN_STATUS_LABELS, PLAN_STATUSES } from '../project-labels.js';
import { ProjectsService, type ProjectRow } from '../projects.service.js';
import { PlanUpdatesService, type PlanInfo } from './plan-updates.service.js';
import { projectIdOf, requireFilingProject, type IssuedProjectRow } from './update-access.js';
import { PlanUpdateFormDto } from './update-forms.dto.js';

type PlanUpdatePage = Awaited<ReturnType<PlanUpdatesService['page']>>;
type FiledUnder = { project: ProjectRow; plan: PlanInfo };

/** 月度计划推进更新: a status update of one monthly plan. */
@Controller('major-projects')
@Roles(...BUSINESS_ROLES)
export class PlanUpdatesController extends RecordFormRoutes<
  PlanUpdateFormDto,
  FiledUnder,
  PlanUpdatePage
>(PlanUpdateFormDto, {
  newForm: ':projectId/plans/:planKey/updates/new',
  record: 'plan-updates/:id',
  revise: true,
  link: (id) => `/major-projects/plan-updates/${id}`,
}) {
  constructor(
    private readonly updates: PlanUpdatesService,
    private readonly projects: ProjectsService,
    protected readonly panels: WorkflowPanelBuilder,
    private readonly views: RecordFormViews,
  ) {
    super();
  }

  protected async filingContext(params: Record<string, string>, user: AuthUser) {
    const project = await requireFilingProject(this.projects, projectIdOf(params), user);
    return { project, plan: await this.updates.requireCurrentPlan(project, params.planKey) };
  }

  protected contextOf(page: PlanUpdatePage) {
    return { project: page.project, plan: page.plan };
  }

  protected page(id: string, user: AuthUser) {
    return this.updates.page(id, user);
  }

  protected formValues({ update }: PlanUpdatePage) {
    return {
      status: update.status,
      workDone: update.work_done,
      problems: update.problems,
      nextSteps: update.next_steps,
      nextFrom: update.next_from ?? '',
      nextTo: update.next_to ?? '',
      evidenceClassified: update.evidence_classified,
    };
  }

  protected showView(page: PlanUpdatePage) {
    return { view: 'major-projects/updates/plan-update-show.hbs', title: page.item.title };
  }

  protected rules(form: PlanUpdateFormDto, failed: ReadonlySet<string>) {
    return this.updates.formErrors(form, failed);
  }

  protected createRecord(
    { project, plan }: FiledUnder,
    data: PlanUpdateFormDto,
    user: AuthUser,
    ip: string,
  ) {
    return this.updates.create(project as IssuedProjectRow, plan, data, user, ip);
  }

  protected updateRecord(id: string, data: PlanUpdateFormDto, user: AuthUser, ip: string) {
    return this.updates.update(id, data, user, ip);
  }

  protected override reviseRecord(id: string, user: AuthUser, ip: string) {
    return this.updates.revise(id, user, ip);
  }

  protected async renderForm(
    reply: FastifyReply,
    status: number,
    { project, plan }: FiledUnder,
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
