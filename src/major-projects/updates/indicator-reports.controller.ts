import {
  Controller,
  Injectable,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { AuthUser } from '../../auth/auth-context.js';
import { Roles } from '../../auth/auth.decorators.js';
import { BUSINESS_ROLES } from '../../auth/roles.js';
import {
  actualField,
  actualHint,
  formatAmount,
  IndicatorReportsService,
} from './indicator-reports.service.js';
import { ProjectUpdateRoutes } from './project-update.routes.js';
import type { IssuedProjectRow } from './update-access.js';
import { actualInputs, IndicatorReportFormDto } from './update-forms.dto.js';

type ReportPage = Awaited<ReturnType<IndicatorReportsService['page']>>;

/**
 * The report form has one input per indicator (`actual-<token>`): before the form is read they are
 * gathered into its `actuals` field (indicator key → text), so the DTO reads them as one field.
 */
@Injectable()
export class GatherActuals implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler) {
    const body = context.switchToHttp().getRequest<FastifyRequest>().body;
    if (body && typeof body === 'object') {
      const fields = body as Record<string, unknown>;
      fields.actuals = actualInputs(fields);
    }
    return next.handle();
  }
}

/** 量化目标推进更新: the month's actual value of every core indicator. */
@Controller('major-projects')
@Roles(...BUSINESS_ROLES)
@UseInterceptors(GatherActuals)
export class IndicatorReportsController extends ProjectUpdateRoutes({
  dto: IndicatorReportFormDto,
  service: IndicatorReportsService,
  slug: 'indicator-reports',
  newForm: ':projectId/indicator-reports/new',
  name: '量化目标推进更新',
  view: 'indicator',
  formValues: (page: ReportPage) => ({
    month: page.report.report_month,
    ...Object.fromEntries(page.indicators.map((indicator) => [indicator.field, indicator.actual])),
  }),
}) {
  protected override createRecord(
    { project }: { project: IssuedProjectRow },
    data: IndicatorReportFormDto,
    user: AuthUser,
    ip: string,
  ) {
    return this.service.create(project, data, user, ip);
  }

  /** A new report's month: the one its link asks for (更新本月进度), else this month. */
  protected override linkedValues({ project }: { project: IssuedProjectRow }, query: object) {
    const month = (query as { month?: unknown }).month;
    return {
      month:
        typeof month === 'string' && /^\d{4}-\d{2}$/.test(month)
          ? month
          : this.service.defaultMonth(project),
    };
  }

  protected async formExtras(
    { project }: { project: IssuedProjectRow },
    page: ReportPage | undefined,
  ) {
    const indicators = await this.service.indicators(project);
    return {
      // A revision corrects the month it was opened for.
      monthFixed: page !== undefined && page.report.id !== page.report.lineage_id,
      monthMin: `${project.plan_year}-01`,
      monthMax: `${project.plan_year}-12`,
      indicators: indicators.map((indicator) => ({
        ...indicator,
        field: actualField(indicator.indicator_key),
        hint: actualHint(indicator),
        annual: formatAmount(indicator.annual_target),
        kindLabel: indicator.cumulative ? '累计值' : '当月值',
      })),
    };
  }
}
