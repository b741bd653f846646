import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * The id of the HTTP request being served, for code far from the request (the audit log): set by
 * the first onRequest hook (configure-app.ts) around everything that follows for that request.
 * The same id is Fastify's request.id, the X-Request-Id response header, the number an error page
 * shows and what the logs print.
 */
const storage = new AsyncLocalStorage<{ requestId: string }>();

/** Fastify's genReqId: a UUID, unique across instances (Fastify's default counts per process). */
export function newRequestId(): string {
  return randomUUID();
}

export function runWithRequestId<T>(requestId: string, next: () => T): T {
  return storage.run({ requestId }, next);
}

/** The current request's id; undefined outside a request (start-up, scheduled jobs, CLIs). */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
