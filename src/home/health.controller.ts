import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators.js';
import { HealthService } from './health.service.js';

/** Paths the session and CSRF hooks skip: a probe must not need the database to read a cookie. */
export const HEALTH_PATHS = /^\/health(\/live|\/ready)?(\?|$)/;

/**
 * Probes for a load balancer (README, "Health checks"): `/health/live` says the process answers
 * (never touches the database); `/health/ready` says it can serve (the database answers `SELECT 1`
 * in time), else 503 with a short body. `/health` is `/health/ready`: it never answers 500.
 */
@Controller('health')
@Public()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('live')
  live(@Res() reply: FastifyReply) {
    return reply.header('Cache-Control', 'no-store').send({ status: 'ok' });
  }

  @Get('ready')
  ready(@Res() reply: FastifyReply) {
    return this.answer(reply);
  }

  @Get()
  readyAlias(@Res() reply: FastifyReply) {
    return this.answer(reply);
  }

  private async answer(reply: FastifyReply) {
    const up = await this.health.databaseAnswers();
    return reply
      .code(up ? 200 : 503)
      .header('Cache-Control', 'no-store')
      .send(up ? { status: 'ok' } : { status: 'unavailable', database: 'down' });
  }
}
