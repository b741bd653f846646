import { Inject, type Type } from '@nestjs/common';
import type { ClassConstructor } from 'class-transformer';
import type { AuthUser } from '../../auth/auth-context.js';
import type { FieldErrors } from '../../common/forms/form-validation.js';
import { chinaDate } from '../../common/time/china-time.js';
import { Clock } from '../../common/time/clock.js';
import { RecordFormViews } from '../../workflow/record-kit/record-forms.js';
import { RecordFormRoutes, type RecordPage } from '../../workflow/record-kit/record-routes.js';
import { WorkflowPanelBuilder } from '../../workflow/workflow-panel.js';
import type { UpdateContext } from './project-update.service.js';

/** The form routes of one update type, as data. */
export interface UpdateRoute<D, S extends AnyUpdateService> {
  dto: ClassConstructor<D>;
  service: Type<S>;
  /** The record pages' path under /major-projects (`brand-items`). */
  slug: string;
  /** GET/POST of the empty form (`:projectId/brand-items/new`). */
  newForm: string;
  /** What the record is called (the form's title). */
  name: string;
  /** The templates' stem: `<view>-form.hbs`, `<view>-show.hbs`. */
  view: string;
  /** The stored record as the form's values (the page of an editable revision is its form). */
  formValues: (page: PageOf<S>) => Record<string, unknown>;
}

/** The service calls behind an update type's form routes (ProjectUpdateService has them all). */
export interface UpdateRecordService<D, C extends UpdateContext> {
  /** What a new update is filed under, from the new-form route's parameters (404/409 otherwise). */
  filingContext(params: Record<string, string>, user: AuthUser): Promise<C>;
  page(id: string, user: AuthUser): Promise<RecordPage & C>;
  /** The form's rules a DTO cannot check, run with its checks when it refuses the form. */
  formErrors(form: D, failed?: ReadonlySet<string>): FieldErrors | Promise<FieldErrors>;
  create(context: C, form: D, user: AuthUser, ip?: string): Promise<string>;
  update(id: string, form: D, user: AuthUser, ip?: string): Promise<void>;
  revise(id: string, user: AuthUser, ip?: string): Promise<string>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyUpdateService = UpdateRecordService<any, any>;
type PageOf<S extends AnyUpdateService> = Awaited<ReturnType<S['page']>>;
/** What a record of the service's type is filed under. */
type ContextOf<S extends AnyUpdateService> = Awaited<ReturnType<S['filingContext']>>;

/**
 * The controller of a monthly update type (量化目标推进, 月度计划推进, 经验复制推广, 品牌显示度): the
 * record kit's form routes (new / create / show / edit / update / revise) wired to the type's
 * service. The controller extending it keeps `@Controller` and `@Roles` and gives what its form
 * shows beside the fields (`formExtras`: options, history).
 */
export function ProjectUpdateRoutes<D extends { submit?: boolean }, S extends AnyUpdateService>(
  route: UpdateRoute<D, S>,
) {
  type C = ContextOf<S> & UpdateContext;
  type Page = PageOf<S> & C;

  const Routes = RecordFormRoutes<D, C, Page>(route.dto, {
    newForm: route.newForm,
    record: `${route.slug}/:id`,
    revise: true,
    link: (id) => `/major-projects/${route.slug}/${id}`,
  });
  /** The kit's renderForm arguments: reply, status, context, id, values, errors, user. */
  type RenderArgs = Parameters<(typeof Routes)['prototype']['renderForm']>;

  abstract class UpdateRoutes extends Routes {
    @Inject(route.service) protected readonly service!: S;
    @Inject(WorkflowPanelBuilder) protected readonly panels!: WorkflowPanelBuilder;
    @Inject(RecordFormViews) private readonly views!: RecordFormViews;
    @Inject(Clock) private readonly clock!: Clock;

    /** What the form shows beside its fields and files. */
    protected abstract formExtras(
      context: C,
      page: Page | undefined,
      user: AuthUser,
    ): Promise<Record<string, unknown>> | Record<string, unknown>;

    /**
     * What the empty form takes from its link's query (更新本月进度 links to `?month=`), over the
     * values it starts with; nothing by default.
     */
    protected linkedValues(
      _context: C,
      _query: Record<string, unknown>,
    ): Promise<Record<string, unknown>> | Record<string, unknown> {
      return {};
    }

    protected filingContext(params: Record<string, string>, user: AuthUser): Promise<C> {
      return this.service.filingContext(params, user);
    }

    protected contextOf(page: Page): C {
      return page;
    }

    protected page(id: string, user: AuthUser): Promise<Page> {
      return this.service.page(id, user) as Promise<Page>;
    }

    protected formValues(page: Page) {
      return route.formValues(page);
    }

    protected showView(page: Page) {
      return {
        view: `major-projects/updates/${route.view}-show.hbs`,
        title: (page as RecordPage).item.title,
      };
    }

    protected rules(form: D, failed: ReadonlySet<string>) {
      return this.service.formErrors(form, failed);
    }

    protected createRecord(context: C, data: D, user: AuthUser, ip: string) {
      return this.service.create(context, data, user, ip);
    }

    protected updateRecord(id: string, data: D, user: AuthUser, ip: string) {
      return this.service.update(id, data, user, ip);
    }

    protected override reviseRecord(id: string, user: AuthUser, ip: string) {
      return this.service.revise(id, user, ip);
    }

    protected async renderForm(
      ...[reply, status, filedUnder, id, values, errors, user]: RenderArgs
    ) {
      const context = filedUnder as C;
      const page = id ? await this.page(id, user) : undefined;
      const query = reply.request.query as Record<string, unknown>;
      const shown =
        id === undefined && status === 200
          ? { ...values, ...(await this.linkedValues(context, query)) }
          : values;
      return reply.code(status).view(`major-projects/updates/${route.view}-form.hbs`, {
        title: id ? `修改${route.name}` : route.name,
        id,
        project: (context as UpdateContext).project,
        values: shown,
        errors,
        today: chinaDate(this.clock.now()),
        ...(await this.formExtras(context, page, user)),
        ...(await this.views.extras(values, 'evidence', page, user)),
      });
    }
  }
  return UpdateRoutes;
}
