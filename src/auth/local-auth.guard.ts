import { Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { LoginFailure } from './login.service.js';

@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  override handleRequest<TUser>(
    error: unknown,
    user: TUser,
    _info: unknown,
    context: ExecutionContext,
  ): TUser {
    if (error instanceof LoginFailure) {
      throw error;
    }
    if (error || !user) {
      // Missing fields: passport-local refuses before our service runs.
      const body = context.switchToHttp().getRequest<FastifyRequest>().body as
        Record<string, unknown> | undefined;
      throw new LoginFailure('invalid', typeof body?.mobile === 'string' ? body.mobile : '');
    }
    return user;
  }
}
