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

/**
 * The path (and query) of the page an htmx request came from (htmx sends HX-Current-URL), when it
 * is a page of this site; undefined otherwise.
 */
export function currentPagePath(request: FastifyRequest): string | undefined {
  const raw = request.headers['hx-current-url'];
  if (typeof raw !== 'string' || raw.length > 2000) {
    return undefined;
  }
  try {
    const url = new URL(raw);
    if (url.host !== request.headers.host || !url.pathname.startsWith('/')) {
      return undefined;
    }
    return url.pathname + url.search;
  } catch {
    return undefined;
  }
}

/**
 * An HX-Location value that shows the page at `path` in place: htmx fetches it (following a
 * redirect) and swaps its main region and the navigation's counts, and the address bar shows the
 * page fetched without a new history entry (the same address after a workflow action on it).
 */
export function recordPageLocation(path: string): string {
  return JSON.stringify({
    path,
    target: '#main',
    select: '#main',
    swap: 'outerHTML',
    selectOOB: '#nav-badge-inbox,#nav-badge-notifications',
    replace: 'true',
  });
}
