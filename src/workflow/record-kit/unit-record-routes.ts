import type { ClassConstructor } from 'class-transformer';
import type { FastifyReply } from 'fastify';
import type { AuthUser } from '../../auth/auth-context.js';
import type { FieldErrors } from '../../common/forms/form-validation.js';
import type { RecordFormViews } from './record-forms.js';
import {
  ServiceRecordRoutes,
  type RecordPage,
  type RecordRoutePaths,
  type RecordService,
} from './record-routes.js';

/** What the form routes of a record a unit files on its own (no project, no period) call. */
export interface UnitRecordService<T, P> extends RecordService<T, P> {
  /** The form's rules; `target` says whose form it is (`id` undefined for a new record). */
  formErrors(
    form: T,
    failed: ReadonlySet<string>,
    target: { id: string | undefined; user: AuthUser },
  ): Promise<FieldErrors> | FieldErrors;
}

/** The record's form page. */
export interface UnitRecordForm {
  view: string;
  title: { create: string; edit: string };
  /** The upload field whose files the form lists beside its fields. */
  filesField: string;
}

/** A unit record's form routes unless it says otherwise: `new`, POST `''` and `:id`. */
const UNIT_RECORD_PATHS = { newForm: 'new', create: '', record: ':id' };

/**
 * The record kit's form routes (RecordFormRoutes) for a record filed under nothing but its unit —
 * 改革需求, 成效亮点, 改革试点: every hook is the service's method of the same name, and the form is one
 * template with the record's files and panel. A controller names its service `records`, its
 * RecordFormViews `views`, and says what else its form shows (`formOptions`).
 */
export function UnitRecordRoutes<T extends { submit?: boolean }, P extends RecordPage>(
  dto: ClassConstructor<T>,
  paths: Partial<RecordRoutePaths> & Pick<RecordRoutePaths, 'link'>,
  form: UnitRecordForm,
) {
  const routes = { ...UNIT_RECORD_PATHS, ...paths };
  abstract class UnitRecordRoutes extends ServiceRecordRoutes<T, P>(dto, routes) {
    protected abstract override readonly records: UnitRecordService<T, P>;
    protected abstract readonly views: RecordFormViews;

    /** What the form shows besides the values, the errors and the files: its options. */
    protected abstract formOptions(
      values: Record<string, unknown>,
    ): Promise<Record<string, unknown>> | Record<string, unknown>;

    protected rules(
      data: T,
      failed: ReadonlySet<string>,
      target: { id: string | undefined; user: AuthUser },
    ) {
      return this.records.formErrors(data, failed, target);
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
