import { Get, Param, Post, Res } from '@nestjs/common';
import type { ClassConstructor } from 'class-transformer';
import type { FastifyReply } from 'fastify';
import type { AttachmentView } from '../../attachments/attachments.service.js';
import type { AuthUser } from '../../auth/auth-context.js';
import { CurrentUser, Roles } from '../../auth/auth.decorators.js';
import type { FieldErrors } from '../../common/forms/form-validation.js';
import { UuidPipe } from '../../common/http/params.js';
import type { WorkflowItemRow } from '../workflow-item.js';
import type { WorkflowPanelBuilder } from '../workflow-panel.js';
import {
  createFromForm,
  Posted,
  toRevision,
  updateFromForm,
  type PostedForm,
  type RecordForm,
} from './record-forms.js';
import { FormWithFiles, type FilesForm } from '../../attachments/form-uploads.js';

/** Where a record type's form routes live. */
export interface RecordRoutePaths {
  /** GET of the empty form, e.g. `:projectId/brand-items/new` or `new`. */
  newForm: string;
  /** POST of a new record's form (the new form's path when omitted). */
  create?: string;
  /** The record's page (`…/:id`); a POST there saves an editable revision. */
  record: string;
  /** Approved records may be revised: POST `<record>/revision`. */
  revise?: boolean;
  /** The record page of an id. */
  link: (id: string) => string;
  /** The flashes after a save, when they differ from the defaults (see RecordForm). */
  flash?: RecordForm<object>['flash'];
  /** The flashes after saving an existing revision. */
  updateFlash?: RecordForm<object>['flash'];
  /** What the form's upload fields accept when posted without JavaScript (FormWithFiles). */
  files?: FilesForm;
}

/** What the record page of any record type carries. */
export interface RecordPage {
  item: WorkflowItemRow;
  files: AttachmentView[];
  editable: boolean;
}

/**
 * The form routes every record type has — new / create / show / edit (the page of an editable
 * revision is its form) / update / revise — written once: a record controller extends
 * `RecordFormRoutes(Dto, paths)` and fills in what differs (what a record is filed under, its
 * page, its form's values and render, the service calls). Its class keeps `@Controller` and the
 * module-wide `@Roles`; every route that writes is for entry clerks.
 *
 * `C` is what a record is filed under (the project of a monthly update; nothing for demands),
 * read from the new-form route's parameters for a new record and from the page for an existing one.
 */
export function RecordFormRoutes<T extends { submit?: boolean }, C, P extends RecordPage>(
  dto: ClassConstructor<T>,
  paths: RecordRoutePaths,
) {
  abstract class Routes {
    protected abstract readonly panels: WorkflowPanelBuilder;

    /** What a new record is filed under, from the route's parameters (404/409 when it may not be). */
    protected abstract filingContext(params: Record<string, string>, user: AuthUser): Promise<C>;
    /** What an existing record is filed under. */
    protected abstract contextOf(page: P): C;
    protected abstract page(id: string, user: AuthUser): Promise<P>;
    /** The stored record as the form's values (the page of an editable revision is its form). */
    protected abstract formValues(page: P): Record<string, unknown>;
    /** The read-only page: its template and title. */
    protected abstract showView(page: P): { view: string; title: string };
    /** What the empty form of a new record shows (nothing by default). */
    protected newValues(_context: C): Record<string, unknown> {
      return {};
    }
    /** Renders the read-only page (showView's template with the page and its workflow panel). */
    protected async renderShow(reply: FastifyReply, page: P, user: AuthUser): Promise<unknown> {
      const { view, title } = this.showView(page);
      return reply.view(view, { title, ...page, panel: await this.panels.build(page.item, user) });
    }
    protected abstract renderForm(
      reply: FastifyReply,
      status: number,
      context: C,
      id: string | undefined,
      values: Record<string, unknown>,
      errors: FieldErrors,
      user: AuthUser,
    ): Promise<unknown>;
    /** The form's rules; `target` says whose form it is (`id` undefined for a new record). */
    protected abstract rules(
      form: T,
      failed: ReadonlySet<string>,
      target: { id: string | undefined; user: AuthUser; context: C },
    ): Promise<FieldErrors> | FieldErrors;
    protected abstract createRecord(
      context: C,
      data: T,
      user: AuthUser,
      ip: string,
    ): Promise<string>;
    protected abstract updateRecord(id: string, data: T, user: AuthUser, ip: string): Promise<void>;
    protected reviseRecord(_id: string, _user: AuthUser, _ip: string): Promise<string> {
      throw new Error('This record type has no revision route');
    }

    @Get(paths.newForm)
    @Roles('entry')
    async newForm(
      @Param() params: Record<string, string>,
      @CurrentUser() user: AuthUser,
      @Res() reply: FastifyReply,
    ) {
      const context = await this.filingContext(params, user);
      return this.renderForm(reply, 200, context, undefined, this.newValues(context), {}, user);
    }

    @Post(paths.create ?? paths.newForm)
    @FormWithFiles(paths.files)
    @Roles('entry')
    async create(
      @Param() params: Record<string, string>,
      @Posted() post: PostedForm,
      @Res() reply: FastifyReply,
    ) {
      const context = await this.filingContext(params, post.user);
      const form = this.form(reply, context, undefined, post.user, paths.flash);
      return createFromForm(post.request, reply, post.body, form, (data) =>
        this.createRecord(context, data, post.user, post.ip),
      );
    }

    @Get(paths.record)
    async show(
      @Param('id', UuidPipe) id: string,
      @CurrentUser() user: AuthUser,
      @Res() reply: FastifyReply,
    ) {
      const page = await this.page(id, user);
      if (page.editable) {
        const values = this.formValues(page);
        return this.renderForm(reply, 200, this.contextOf(page), id, values, {}, user);
      }
      return this.renderShow(reply, page, user);
    }

    @Post(paths.record)
    @FormWithFiles(paths.files)
    @Roles('entry')
    async update(
      @Param('id', UuidPipe) id: string,
      @Posted() post: PostedForm,
      @Res() reply: FastifyReply,
    ) {
      const context = this.contextOf(await this.page(id, post.user));
      const form = this.form(reply, context, id, post.user, paths.updateFlash ?? paths.flash);
      return updateFromForm(post.request, reply, post.body, id, form, (data) =>
        this.updateRecord(id, data, post.user, post.ip),
      );
    }

    async revise(id: string, post: PostedForm, reply: FastifyReply) {
      const newId = await this.reviseRecord(id, post.user, post.ip);
      return toRevision(post.request, reply, paths.link(newId));
    }

    private form(
      reply: FastifyReply,
      context: C,
      id: string | undefined,
      user: AuthUser,
      flash: RecordRoutePaths['flash'],
    ): RecordForm<T> {
      return {
        dto,
        rules: (form, failed) => this.rules(form, failed, { id, user, context }),
        rerender: (values, errors) =>
          this.renderForm(reply, 422, context, id, values, errors, user),
        link: paths.link,
        flash,
        answer: (id, submitted) => this.panels.savedAnswer(id, submitted),
      };
    }
  }

  if (paths.revise) {
    // Decorated here, not in the class body, because only record types with changes have it.
    const prototype = Routes.prototype;
    const descriptor = Object.getOwnPropertyDescriptor(prototype, 'revise')!;
    Post(`${paths.record}/revision`)(prototype, 'revise', descriptor);
    Roles('entry')(prototype, 'revise', descriptor);
    Param('id', UuidPipe)(prototype, 'revise', 0);
    Posted()(prototype, 'revise', 1);
    Res()(prototype, 'revise', 2);
  }
  return Routes;
}

/** The service calls behind the form routes of a record type filed under nothing in particular. */
export interface RecordService<T, P> {
  page(id: string, user: AuthUser): Promise<P>;
  create(data: T, user: AuthUser, ip?: string): Promise<string>;
  update(id: string, data: T, user: AuthUser, ip?: string): Promise<void>;
  revise?(id: string, user: AuthUser, ip?: string): Promise<string>;
}

/**
 * RecordFormRoutes for a record type filed under nothing (no project, no meeting): its page and
 * saves go straight to the controller's `records` service, so a controller writes only its form's
 * values, rules, templates and what else it serves.
 */
export function ServiceRecordRoutes<T extends { submit?: boolean }, P extends RecordPage>(
  dto: ClassConstructor<T>,
  paths: RecordRoutePaths,
) {
  abstract class Routes extends RecordFormRoutes<T, undefined, P>(dto, paths) {
    protected abstract readonly records: RecordService<T, P>;

    protected filingContext(): Promise<undefined> {
      return Promise.resolve(undefined);
    }

    protected contextOf(): undefined {
      return undefined;
    }

    protected page(id: string, user: AuthUser): Promise<P> {
      return this.records.page(id, user);
    }

    protected createRecord(_context: undefined, data: T, user: AuthUser, ip: string) {
      return this.records.create(data, user, ip);
    }

    protected updateRecord(id: string, data: T, user: AuthUser, ip: string) {
      return this.records.update(id, data, user, ip);
    }

    protected override reviseRecord(id: string, user: AuthUser, ip: string): Promise<string> {
      if (!this.records.revise) {
        return super.reviseRecord(id, user, ip);
      }
      return this.records.revise(id, user, ip);
    }
  }
  return Routes;
}
