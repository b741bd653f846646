import { Controller } from '@nestjs/common';
import type { AuthUser } from '../../auth/auth-context.js';
import { Roles } from '../../auth/auth.decorators.js';
import { BUSINESS_ROLES } from '../../auth/roles.js';
import { PLAN_STATUS } from '../project-labels.js';
import {
  PlanUpdatesService,
  type PlanContext,
  type PlanUpdateRow,
} from './plan-updates.service.js';
import { ProjectUpdateRoutes } from './project-update.routes.js';
import { PlanUpdateFormDto } from './update-forms.dto.js';

/** 月度计划推进更新: a status update of one monthly plan. */
@Controller('major-projects')
@Roles(...BUSINESS_ROLES)
export class PlanUpdatesController extends ProjectUpdateRoutes({
  dto: PlanUpdateFormDto,
  service: PlanUpdatesService,
  slug: 'plan-updates',
  newForm: ':projectId/plans/:planKey/updates/new',
  name: '月度计划推进更新',
  view: 'plan-update',
  formValues: ({ record: update }) => ({
    status: update.status,
    workDone: update.work_done,
    problems: update.problems,
    nextSteps: update.next_steps,
    nextFrom: update.next_from ?? '',
    nextTo: update.next_to ?? '',
    evidenceClassified: update.evidence_classified,
  }),
}) {
  protected async formExtras(
    { project, plan }: PlanContext,
    page: { history: PlanUpdateRow[] } | undefined,
    user: AuthUser,
  ) {
    return {
      plan,
      statuses: PLAN_STATUS.options(),
      history: page?.history ?? (await this.service.history(project, plan.plan_key, user)),
    };
  }
}
