import type { FastifyReply } from 'fastify';

/**
 * Renders a template and sends it. For exception filters: unlike `reply.view`, a rendering error
 * surfaces here (as a rejected promise) instead of being sent as a 500 behind our back.
 */
export async function sendView(
  reply: FastifyReply,
  template: string,
  data: Record<string, unknown>,
): Promise<void> {
  const html = await reply.viewAsync(template, data);
  await reply.type('text/html; charset=utf-8').send(html);
}
