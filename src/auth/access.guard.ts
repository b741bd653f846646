import {
  ForbiddenException,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ALLOWED_BEFORE_PASSWORD_CHANGE, PUBLIC_ROUTE, REQUIRED_ROLES } from './auth.decorators.js';
import type { RoleCode } from './roles.js';

/** Thrown while a user still holds the initial password: every page but the change page is refused. */
export class PasswordChangeRequiredException extends ForbiddenException {
  constructor() {
    super('请先修改初始密码');
  }
}

/**
 * The global guard: every route needs a session unless marked @Public(); a user with the initial
 * password reaches nothing but the password page; @Roles() narrows a route to roles.
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
    if (
      auth.user.mustChangePassword &&
      !this.reflector.getAllAndOverride<boolean>(ALLOWED_BEFORE_PASSWORD_CHANGE, targets)
    ) {
      throw new PasswordChangeRequiredException();
    }
    const roles = this.reflector.getAllAndOverride<RoleCode[] | undefined>(REQUIRED_ROLES, targets);
    if (roles && !roles.some((role) => auth.user.roles.includes(role))) {
      throw new ForbiddenException('您的角色无权访问此页面');
    }
    return true;
  }
}
