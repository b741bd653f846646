import type { FastifyReply, FastifyRequest } from 'fastify';

/** True for any request htmx made (it always sends HX-Request). */
export function isHtmx(request: FastifyRequest): boolean {
  return request.headers['hx-request'] === 'true';
}

/** True when htmx asks for a fragment rather than a whole page (htmx 4's HX-Request-Type). */
export function isPartial(request: FastifyRequest): boolean {
  return isHtmx(request) && request.headers['hx-request-type'] !== 'full';
}

/** Redirect after a successful POST: a 303 for plain forms, HX-Redirect for htmx (a full navigation). */
export function seeOther(request: FastifyRequest, reply: FastifyReply, url: string): FastifyReply {
  if (isHtmx(request)) {
    return reply.header('HX-Redirect', url).code(204).send();
  }
  return reply.redirect(url, 303);
}
