import { createParamDecorator, Injectable, type ExecutionContext } from '@nestjs/common';
import type { ClassConstructor } from 'class-transformer';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AttachmentsService, type AttachmentView } from '../../attachments/attachments.service.js';
import type { AuthUser } from '../../auth/auth-context.js';
import {
  handleForm,
  type FieldErrors,
  type FormRules,
} from '../../common/forms/form-validation.js';
import { typedFileIds } from '../../common/forms/uploaded-files.js';
import { setFlash } from '../../common/http/flash.js';
import { seeOther } from '../../common/htmx/htmx-request.js';
import type { WorkflowItemRow } from '../workflow-item.js';
import { WorkflowPanelBuilder } from '../workflow-panel.js';

/** What a form's POST handler needs besides its route parameters and the reply. */
export interface PostedForm {
  body: unknown;
  user: AuthUser;
  request: FastifyRequest;
  /** The client's address, for the audit trail. */
  ip: string;
}

/**
 * `@Posted() post: PostedForm`: the posted body, the signed-in user and the request in one
 * parameter, for the form routes (they still take `@Res()`, which hands the reply to the handler).
 */
export const Posted = createParamDecorator(
  (_data: unknown, context: ExecutionContext): PostedForm => {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!request.auth) {
      throw new Error('Posted used on a public route');
    }
    return { body: request.body, user: request.auth.user, request, ip: request.ip };
  },
);

/** How a record's filing form is read and shown again (the form-route helper's part). */
export interface RecordForm<T> {
  dto: ClassConstructor<T>;
  /** The service's rules, run with the DTO's checks so a refused form lists every problem. */
  rules?: FormRules<T>;
  /** Renders the form with what was typed and the errors (the helper answers 422). */
  rerender: (values: Record<string, unknown>, errors: FieldErrors) => Promise<unknown>;
  /** The record page of a saved revision. */
  link: (id: string) => string;
  /** The flash after a save: when submitted, and when only saved (create / update). */
  flash?: { submitted?: string; created?: string; updated?: string };
  /**
   * The flash from the record's chain (WorkflowPanelBuilder.savedAnswer: 「已保存并上报，等待…」
   * naming the next step), or any flash made from the saved form; when given it is what every save
   * of this form says.
   */
  answer?: (id: string, submitted: boolean, data: T) => Promise<string> | string;
}

export const REVISION_STARTED = '已发起变更：修改后保存并上报，审核通过前仍以原版本为准';

const submittedFlash = '已保存并上报，等待本单位审核';

/**
 * POST of a record's form: validated (422 in place with everything typed, the token given back by
 * the once-only hook), saved through the service, then 303 to the record with a flash. A form
 * sent twice is saved once: the hook in configure-app claims the form's token before the handler
 * and records where this redirect leads.
 */
async function saveFromForm<T extends object>(
  request: FastifyRequest,
  reply: FastifyReply,
  body: unknown,
  form: RecordForm<T>,
  save: (data: T) => Promise<string>,
  savedFlash: string,
): Promise<unknown> {
  const save303 = async (data: T) => {
    const id = await save(data);
    const submitted = Boolean((data as { submit?: boolean }).submit);
    setFlash(
      reply,
      'success',
      form.answer
        ? await form.answer(id, submitted, data)
        : submitted
          ? (form.flash?.submitted ?? submittedFlash)
          : savedFlash,
    );
    return seeOther(request, reply, form.link(id));
  };
  return handleForm(form.dto, body, form.rerender, save303, form.rules);
}

/** POST of a new record's form (see saveFromForm): `save` returns the new record's id. */
export function createFromForm<T extends object>(
  request: FastifyRequest,
  reply: FastifyReply,
  body: unknown,
  form: RecordForm<T>,
  save: (data: T) => Promise<string>,
): Promise<unknown> {
  return saveFromForm(request, reply, body, form, save, form.flash?.created ?? '已保存为草稿');
}

/** POST of an editable record's form (see saveFromForm), for the record `id`. */
export function updateFromForm<T extends object>(
  request: FastifyRequest,
  reply: FastifyReply,
  body: unknown,
  id: string,
  form: RecordForm<T>,
  save: (data: T) => Promise<void>,
): Promise<unknown> {
  const saveRecord = async (data: T) => {
    await save(data);
    return id;
  };
  return saveFromForm(request, reply, body, form, saveRecord, form.flash?.updated ?? '已保存');
}

/**
 * The page a user who may not file this record type gets instead of the form (403), saying who
 * files it.
 */
export function refuseFiling(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(403).view('errors/error.hbs', { status: 403, title: '无权填报', message });
}

/** POST …/revision: the new draft revision's page, with the flash every module shows. */
export function toRevision(
  request: FastifyRequest,
  reply: FastifyReply,
  link: string,
): FastifyReply {
  setFlash(reply, 'info', REVISION_STARTED);
  return seeOther(request, reply, link);
}

/**
 * What every record form shows beside its fields: the files (those typed into a refused form,
 * else the record's stored ones) and, for an existing revision, the workflow panel without its
 * submit button (the form's own 保存并上报 saves first).
 */
@Injectable()
export class RecordFormViews {
  constructor(
    private readonly attachments: AttachmentsService,
    private readonly panels: WorkflowPanelBuilder,
  ) {}

  async extras(
    values: Record<string, unknown>,
    field: string,
    existing: { item: WorkflowItemRow; files: AttachmentView[] } | undefined,
    user: AuthUser,
  ): Promise<{ files: AttachmentView[]; panel: unknown }> {
    return {
      files: await this.files(values, field, existing?.files, user),
      panel: existing
        ? await this.panels.build(existing.item, user, { omit: ['submit'] })
        : undefined,
    };
  }

  /** One upload field's files: those typed into a refused form, else the record's stored ones. */
  async files(
    values: Record<string, unknown>,
    field: string,
    stored: AttachmentView[] | undefined,
    user: AuthUser,
  ): Promise<AttachmentView[]> {
    const typed = typedFileIds(values, field);
    return typed ? this.attachments.describe(typed, user) : (stored ?? []);
  }
}
