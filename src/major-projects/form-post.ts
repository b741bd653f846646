import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  FormInvalidException,
  refuseRejectedUploads,
  type FieldErrors,
} from '../common/forms/form-validation.js';
import { setFlash } from '../common/http/flash.js';
import { seeOther } from '../common/htmx/htmx-request.js';

/**
 * POST of a form a service reads by hand (a battle map, an iteration, the satisfaction table; no
 * DTO): `save` stores it and says where to go and with which flash (303); a refusal
 * (FormInvalidException) shows the form again with what was typed and the errors (`rerender`,
 * which answers 422). Not module-specific: any hand-read form can use it.
 */
export async function savePostedForm(
  request: FastifyRequest,
  reply: FastifyReply,
  save: () => Promise<{ flash: string; link: string }>,
  rerender: (errors: FieldErrors) => Promise<unknown>,
): Promise<unknown> {
  try {
    // A file refused while the form was posted without JavaScript (FormWithFiles) refuses the save.
    refuseRejectedUploads(request.body);
    const { flash, link } = await save();
    setFlash(reply, 'success', flash);
    return seeOther(request, reply, link);
  } catch (error) {
    if (error instanceof FormInvalidException) {
      return rerender(error.errors);
    }
    throw error;
  }
}
