import {
  Body,
  Controller,
  Get,
  Inject,
  Post,
  Query,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuditService } from '../audit/audit.service.js';
import { seeOther } from '../common/htmx/htmx-request.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import {
  AllowedBeforeMfaEnrolment,
  AllowedBeforePasswordChange,
  AllowedBeforeSecondFactor,
  Public,
} from './auth.decorators.js';
import { LocalAuthGuard } from './local-auth.guard.js';
import type { AuthenticatedUser } from './login.service.js';
import { LoginFailureFilter } from './login-failure.filter.js';
import { PENDING_STEP_PAGES, pendingStepFor } from './mfa-policy.js';
import { safeNextPath } from './safe-next-path.js';
import { clearSessionCookie, readSessionCookie, setSessionCookie } from './session-cookie.js';
import { hashSessionId, SessionStore } from './session.store.js';

@Controller()
export class AuthController {
  constructor(
    private readonly sessions: SessionStore,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @Get('login')
  loginPage(
    @Req() request: FastifyRequest,
    @Query('next') next: string | undefined,
    @Res() reply: FastifyReply,
  ) {
    if (request.auth) {
      return reply.redirect(safeNextPath(next), 303);
    }
    return reply.view('auth/login.hbs', { title: '登录', next: safeNextPath(next), values: {} });
  }

  @Public()
  @Post('login')
  @UseGuards(LocalAuthGuard)
  @UseFilters(LoginFailureFilter)
  async login(
    @Req() request: FastifyRequest & { user: AuthenticatedUser },
    @Body('next') next: unknown,
    @Res() reply: FastifyReply,
  ) {
    // A fresh session id at every login (no fixation); the one the browser had is ended.
    const previous = readSessionCookie(request, this.config);
    if (previous) {
      await this.sessions.destroy(hashSessionId(previous));
    }
    const user = request.user;
    const { sessionId } = await this.sessions.create(
      user.id,
      { ip: request.ip, userAgent: request.headers['user-agent'] },
      { awaitingSecondFactor: user.totpEnrolled },
    );
    setSessionCookie(reply, this.config, sessionId);
    const step = pendingStepFor(
      { ...user, awaitingSecondFactor: user.totpEnrolled },
      this.config.mfa,
    );
    const destination = safeNextPath(next);
    if (step === 'second_factor' && destination !== '/') {
      return seeOther(
        request,
        reply,
        `${PENDING_STEP_PAGES.second_factor}?next=${encodeURIComponent(destination)}`,
      );
    }
    return seeOther(request, reply, step ? PENDING_STEP_PAGES[step] : destination);
  }

  @AllowedBeforePasswordChange()
  @AllowedBeforeSecondFactor()
  @AllowedBeforeMfaEnrolment()
  @Post('logout')
  async logout(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const auth = request.auth;
    if (auth) {
      await this.sessions.destroy(auth.sessionIdHash);
      await this.audit.record({ action: 'logout', actor: auth.user, ip: request.ip });
    }
    clearSessionCookie(reply, this.config);
    return seeOther(request, reply, '/login');
  }
}
