import type { FastifyReply } from 'fastify';
import type { Caller } from '../auth/auth.decorators.js';
import { saveForm, type PlainForm } from '../workflow/record-kit/save-form.js';

/**
 * POST of a form on a page of its own record (采纳, 审议结果, 会议纪要, 议定事项): saved through
 * `save`, then back to the page of `id` (or 422 in place through the form's `rerender`).
 */
export function savePageForm<T extends object>(
  { request, body }: Caller,
  reply: FastifyReply,
  id: string,
  form: PlainForm<T>,
  save: (data: T) => Promise<unknown>,
): Promise<unknown> {
  return saveForm(request, reply, body, form, async (data) => {
    await save(data);
    return id;
  });
}
