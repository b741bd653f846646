import type { ClassConstructor } from 'class-transformer';
import type { FastifyReply } from 'fastify';
import type { AuthUser } from '../../auth/auth-context.js';
import type { FieldErrors } from '../../common/forms/form-validation.js';
import type { RecordFormViews } from './record-forms.js';
import { RecordFormRoutes, type RecordPage, type RecordRoutePaths } from './record-routes.js';

/** What the form routes of a record a unit files on its own (no project, no period) call. */
export interface UnitRecordService<T, P> {
  page(id: string, user: AuthUser): Promise<P>;
  formErrors(form: T, failed: ReadonlySet<string>): Promise<FieldErrors> | FieldErrors;
  create(form: T, user: AuthUser, ip?: string): Promise<string>;
  update(id: string, form: T, user: AuthUser, ip?: string): Promise<void>;
  revise?(id: string, user: AuthUser, ip?: string): Promise<string>;
}

/** The record's form page. */
export interface UnitRecordForm {
  view: string;
  title: { create: string; edit: string };
  /** The upload field whose files the form lists beside its fields. */
  filesField: string;
}

/**
 * The record kit's form routes (RecordFormRoutes) for a record filed under nothing but its unit —
 * 改革需求, 成效亮点: every hook is the service's method of the same name, and the form is one
 * template with the record's files and panel. A controller names its service `records`, its
 * RecordFormViews `views`, and says what else its form shows (`formOptions`).
 */
export function UnitRecordRoutes<T extends { submit?: boolean }, P extends RecordPage>(
  dto: ClassConstructor<T>,
  paths: RecordRoutePaths,
  form: UnitRecordForm,
) {
  abstract class UnitRecordRoutes extends RecordFormRoutes<T, undefined, P>(dto, paths) {
    protected abstract readonly records: UnitRecordService<T, P>;
    protected abstract readonly views: RecordFormViews;

    /** What the form shows besides the values, the errors and the files: its options. */
    protected abstract formOptions(
      values: Record<string, unknown>,
    ): Promise<Record<string, unknown>> | Record<string, unknown>;

    protected filingContext() {
      return Promise.resolve(undefined);
    }

    protected contextOf() {
      return undefined;
    }

    protected page(id: string, user: AuthUser) {
      return this.records.page(id, user);
    }

    protected rules(data: T, failed: ReadonlySet<string>) {
      return this.records.formErrors(data, failed);
    }

    protected createRecord(_context: undefined, data: T, user: AuthUser, ip: string) {
      return this.records.create(data, user, ip);
    }

    protected updateRecord(id: string, data: T, user: AuthUser, ip: string) {
      return this.records.update(id, data, user, ip);
    }

    protected override reviseRecord(id: string, user: AuthUser, ip: string) {
      return this.records.revise
        ? this.records.revise(id, user, ip)
        : super.reviseRecord(id, user, ip);
    }

    /** The form of a new record (id undefined) or an editable revision, keeping what was typed. */
    protected async renderForm(
      reply: FastifyReply,
      status: number,
      _context: undefined,
      id: string | undefined,
      values: Record<string, unknown>,
      errors: FieldErrors,
      user: AuthUser,
    ) {
      const existing = id ? await this.records.page(id, user) : undefined;
      return reply.code(status).view(form.view, {
        title: id ? form.title.edit : form.title.create,
        id,
        values,
        errors,
        ...(await this.formOptions(values)),
        ...(await this.views.extras(values, form.filesField, existing, user)),
      });
    }
  }
  return UnitRecordRoutes;
}
