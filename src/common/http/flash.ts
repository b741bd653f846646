import type { FastifyReply, FastifyRequest } from 'fastify';

export type FlashKind = 'success' | 'error' | 'info';
export interface FlashMessage {
  kind: FlashKind;
  text: string;
}

const FLASH_COOKIE = 'flash';

/** A one-shot message shown on the next page (after a redirect). */
export function setFlash(reply: FastifyReply, kind: FlashKind, text: string): void {
  reply.setCookie(FLASH_COOKIE, JSON.stringify({ kind, text }), {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    maxAge: 60,
  });
}

export function takeFlash(request: FastifyRequest, reply: FastifyReply): FlashMessage | undefined {
  const raw = request.cookies[FLASH_COOKIE];
  if (!raw) {
    return undefined;
  }
  reply.clearCookie(FLASH_COOKIE, { path: '/' });
  try {
    const parsed = JSON.parse(raw) as Partial<FlashMessage>;
    if (
      (parsed.kind === 'success' || parsed.kind === 'error' || parsed.kind === 'info') &&
      typeof parsed.text === 'string'
    ) {
      return { kind: parsed.kind, text: parsed.text.slice(0, 300) };
    }
  } catch {
    // A tampered cookie is ignored.
  }
  return undefined;
}
