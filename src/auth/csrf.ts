import type { FastifyRequest } from 'fastify';
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const CSRF_HEADER = 'x-csrf-token';
export const CSRF_FIELD = '_csrf';
export const ANONYMOUS_CSRF_COOKIE = 'csrf_pre';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function newCsrfToken(): string {
  return randomBytes(24).toString('base64url');
}

function sameToken(expected: string, provided: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(provided);
  return a.length === b.length && timingSafeEqual(a, b);
}

function providedToken(request: FastifyRequest): string | undefined {
  const header = request.headers[CSRF_HEADER];
  if (typeof header === 'string' && header) {
    return header;
  }
  const body = request.body as Record<string, unknown> | undefined;
  if (body && typeof body === 'object' && typeof body[CSRF_FIELD] === 'string') {
    return body[CSRF_FIELD];
  }
  // Multipart forms are streamed after this check, so they carry the token in the action URL:
  // only they. An ordinary form or htmx request with `?_csrf=` in its URL (a token that leaks
  // through logs, history and Referer) is refused.
  if (!isMultipart(request)) {
    return undefined;
  }
  const query = request.query as Record<string, unknown> | undefined;
  return typeof query?.[CSRF_FIELD] === 'string' ? query[CSRF_FIELD] : undefined;
}

function isMultipart(request: FastifyRequest): boolean {
  const type = request.headers['content-type'];
  return typeof type === 'string' && /^multipart\/form-data\s*(;|$)/i.test(type);
}

/**
 * Synchronizer-token check for every state-changing request: the session's token (or, before
 * login, the double-submit cookie) must come back in a header (htmx) or a form field. Requests a
 * browser marks as cross-site are refused outright.
 */
export function csrfRejection(request: FastifyRequest): string | undefined {
  if (SAFE_METHODS.has(request.method)) {
    return undefined;
  }
  if (request.headers['sec-fetch-site'] === 'cross-site') {
    return 'cross-site request';
  }
  const expected = request.auth?.csrfToken ?? request.cookies[ANONYMOUS_CSRF_COOKIE];
  const provided = providedToken(request);
  if (!expected || !provided || !sameToken(expected, provided)) {
    return 'missing or wrong token';
  }
  return undefined;
}
