import { Body, Controller, Get, Inject, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { setFlash } from '../common/http/flash.js';
import { seeOther } from '../common/htmx/htmx-request.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { AuthContext } from './auth-context.js';
import { AllowedBeforeSecondFactor } from './auth.decorators.js';
import { LoginService } from './login.service.js';
import { MfaService, WRONG_CODE_MESSAGE } from './mfa.service.js';
import { PENDING_STEP_PAGES } from './mfa-policy.js';
import { safeNextPath } from './safe-next-path.js';
import { clearSessionCookie, setSessionCookie } from './session-cookie.js';
import { SessionStore } from './session.store.js';

export function secondFactorLockedMessage(lockMinutes: number): string {
  return `验证码错误次数过多，账号已锁定 ${lockMinutes} 分钟。如需帮助请联系系统管理员。`;
}

/**
 * The login's second step: after the password, a session of an enrolled user reaches only this
 * page (and logout) until a TOTP code or a recovery code is accepted. Wrong codes count toward
 * the account lockout like wrong passwords; at the limit the waiting session ends.
 */
@Controller('login/second-factor')
@AllowedBeforeSecondFactor()
export class SecondFactorController {
  constructor(
    private readonly mfa: MfaService,
    private readonly login: LoginService,
    private readonly sessions: SessionStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  page(
    @Req() request: FastifyRequest,
    @Query('next') next: string | undefined,
    @Res() reply: FastifyReply,
  ) {
    if (request.auth?.pendingStep !== 'second_factor') {
      return reply.redirect('/', 303);
    }
    return this.render(reply, 200, safeNextPath(next));
  }

  @Post()
  async verify(
    @Req() request: FastifyRequest,
    @Body() body: Record<string, unknown> | undefined,
    @Res() reply: FastifyReply,
  ) {
    const auth = request.auth!;
    const next = safeNextPath(body?.next);
    if (auth.pendingStep !== 'second_factor') {
      return seeOther(request, reply, '/');
    }
    if (await this.login.isBlocked(auth.user.id)) {
      return this.endLocked(request, reply, auth);
    }
    const code = typeof body?.code === 'string' ? body.code.slice(0, 40) : '';
    const result = await this.mfa.verify(auth.user.id, code);
    if (!result.ok) {
      const locked = await this.login.recordFailedAttempt(auth.user.id, auth.user, request.ip, {
        action: 'mfa_failed',
        reason: result.reason,
      });
      if (locked) {
        return this.endLocked(request, reply, auth);
      }
      return this.render(reply, 422, next, WRONG_CODE_MESSAGE);
    }
    await this.login.clearFailures(auth.user.id);
    await this.mfa.recordVerified(auth.user, request.ip, result);
    // A new session id once fully authenticated; the waiting one ends.
    const { sessionId } = await this.sessions.create(auth.user.id, {
      ip: request.ip,
      userAgent: request.headers['user-agent'],
    });
    await this.sessions.destroy(auth.sessionIdHash);
    setSessionCookie(reply, this.config, sessionId);
    if (result.method === 'recovery_code') {
      setFlash(
        reply,
        result.recoveryCodesLeft <= 3 ? 'error' : 'info',
        `已使用一个恢复码，还剩 ${result.recoveryCodesLeft} 个。恢复码不足时请在“两步验证”页面重新生成。`,
      );
    }
    return seeOther(
      request,
      reply,
      auth.user.mustChangePassword ? PENDING_STEP_PAGES.password_change : next,
    );
  }

  private async endLocked(request: FastifyRequest, reply: FastifyReply, auth: AuthContext) {
    await this.sessions.destroy(auth.sessionIdHash);
    clearSessionCookie(reply, this.config);
    setFlash(reply, 'error', secondFactorLockedMessage(this.config.lockout.lockMinutes));
    return seeOther(request, reply, '/login');
  }

  private render(reply: FastifyReply, status: number, next: string, error?: string) {
    return reply.code(status).view('auth/second-factor.hbs', {
      title: '两步验证',
      next,
      error,
      lockout: this.config.lockout,
    });
  }
}
