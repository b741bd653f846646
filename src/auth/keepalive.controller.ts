import { Controller, HttpCode, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

/**
 * 继续 on the idle warning, and the throttled ping while the user types (public/js/forms.js): the
 * request itself keeps the session alive, because loading a session moves its last_seen_at
 * (SessionStore.load, at most once a minute). An ended session answers like any signed-in route:
 * 303 to the login page, which the script reads as "expired".
 */
@Controller('session')
export class KeepaliveController {
  @Post('keepalive')
  @HttpCode(200)
  keepalive(@Res() reply: FastifyReply) {
    return reply.header('Cache-Control', 'no-store').type('text/plain').send('ok');
  }
}
