import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendView } from '../common/http/render.js';
import { safeNextPath } from './safe-next-path.js';
import { LoginFailure } from './login.service.js';

export const LOGIN_FAILED_MESSAGE =
  '手机号或密码错误，或账号已被锁定。连续输错 5 次将锁定 15 分钟，如需帮助请联系系统管理员。';
export const LOGIN_RATE_LIMITED_MESSAGE = '登录尝试过于频繁，请稍后再试。';

/** Re-renders the login form with one message for every failure, keeping the typed mobile number. */
@Catch(LoginFailure)
export class LoginFailureFilter implements ExceptionFilter {
  async catch(failure: LoginFailure, host: ArgumentsHost): Promise<void> {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = (request.body ?? {}) as Record<string, unknown>;
    const rateLimited = failure.reason === 'rate_limited';
    reply.code(rateLimited ? 429 : 401).header('Cache-Control', 'no-store');
    await sendView(reply, 'auth/login.hbs', {
      title: '登录',
      next: safeNextPath(body.next),
      values: { mobile: failure.mobile },
      error: rateLimited ? LOGIN_RATE_LIMITED_MESSAGE : LOGIN_FAILED_MESSAGE,
    });
  }
}
