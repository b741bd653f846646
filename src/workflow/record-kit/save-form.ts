import type { ClassConstructor } from 'class-transformer';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  handleForm,
  type FieldErrors,
  type FormRules,
} from '../../common/forms/form-validation.js';
import { setFlash } from '../../common/http/flash.js';
import { seeOther } from '../../common/htmx/htmx-request.js';

/** A form that files no workflow record: a meeting, a bulletin, a 约稿, a form on a record's page. */
export interface PlainForm<T> {
  dto: ClassConstructor<T>;
  /** The service's rules, run with the DTO's checks so a refused form lists every problem. */
  rules?: FormRules<T>;
  /** Renders the form (or its page) with what was typed and the errors: answered 422. */
  rerender: (values: Record<string, unknown>, errors: FieldErrors) => unknown;
  /** Where a saved form leads, from the id `save` returns. */
  link: (id: string) => string;
  /** The success flash after the save. */
  flash: string;
}

/**
 * POST of such a form, the way the record kit's createFromForm answers a record's: validated
 * (422 in place with everything typed), saved through the service, then 303 with a flash.
 * `save` returns the id the link is built from (the new record's, or the one the form is for).
 */
export function saveForm<T extends object>(
  request: FastifyRequest,
  reply: FastifyReply,
  body: unknown,
  form: PlainForm<T>,
  save: (data: T) => Promise<string>,
): Promise<unknown> {
  return handleForm<T, unknown>(
    form.dto,
    body,
    form.rerender,
    async (data) => {
      const id = await save(data);
      setFlash(reply, 'success', form.flash);
      return seeOther(request, reply, form.link(id));
    },
    form.rules,
  );
}
