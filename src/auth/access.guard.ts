import {
  ForbiddenException,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { PendingStep } from './auth-context.js';
import {
  ALLOWED_BEFORE_MFA_ENROLMENT,
  ALLOWED_BEFORE_PASSWORD_CHANGE,
  ALLOWED_BEFORE_SECOND_FACTOR,
  PUBLIC_ROUTE,
  REQUIRED_ROLES,
} from './auth.decorators.js';
import { PENDING_STEP_PAGES } from './mfa-policy.js';
import type { RoleCode } from './roles.js';
import { GoToPageException } from '../common/http/go-to-page.exception.js';

const STEP_MESSAGES: Record<PendingStep, string> = {
  second_factor: '请先完成两步验证',
  password_change: '请先修改密码',
  mfa_enrolment: '请先绑定身份验证器（两步验证）',
};

const STEP_METADATA: Record<PendingStep, string> = {
  second_factor: ALLOWED_BEFORE_SECOND_FACTOR,
  password_change: ALLOWED_BEFORE_PASSWORD_CHANGE,
  mfa_enrolment: ALLOWED_BEFORE_MFA_ENROLMENT,
};

/**
 * Thrown while a session still owes a step (second factor, password change, authenticator
 * enrolment): every route but that step's page and logout is refused; pages redirect to it.
 */
export class PendingStepException extends GoToPageException {
  constructor(readonly step: PendingStep) {
    super(STEP_MESSAGES[step], PENDING_STEP_PAGES[step]);
  }
}

/** The pending step of an initial or expired password (kept as its own name for readers). */
export class PasswordChangeRequiredException extends PendingStepException {
  constructor() {
    super('password_change');
  }
}

/**
 * The global guard: every route needs a session unless marked @Public(); a session that still owes
 * a step (second factor, new password, enrolment) reaches nothing but that step's page; @Roles()
 * narrows a route to roles.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) {
      return true;
    }
    const auth = context.switchToHttp().getRequest<FastifyRequest>().auth;
    if (!auth) {
      throw new UnauthorizedException('请先登录');
    }
    const step = auth.pendingStep;
    if (step && !this.reflector.getAllAndOverride<boolean>(STEP_METADATA[step], targets)) {
      throw step === 'password_change'
        ? new PasswordChangeRequiredException()
        : new PendingStepException(step);
    }
    const roles = this.reflector.getAllAndOverride<RoleCode[] | undefined>(REQUIRED_ROLES, targets);
    if (roles && !roles.some((role) => auth.user.roles.includes(role))) {
      throw new ForbiddenException('您的角色无权访问此页面');
    }
    return true;
  }
}
