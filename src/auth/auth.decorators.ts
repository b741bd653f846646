import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { AuthUser } from './auth-context.js';
import type { RoleCode } from './roles.js';

export const PUBLIC_ROUTE = 'auth:public';
export const REQUIRED_ROLES = 'auth:roles';
export const ALLOWED_BEFORE_PASSWORD_CHANGE = 'auth:before-password-change';
export const ALLOWED_BEFORE_SECOND_FACTOR = 'auth:before-second-factor';
export const ALLOWED_BEFORE_MFA_ENROLMENT = 'auth:before-mfa-enrolment';

/** Reachable without signing in (login page, static assets, health). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);

/** Reachable only by users holding at least one of these roles. */
export const Roles = (...roles: RoleCode[]): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_ROLES, roles);

/** Reachable while the user still has to replace the initial or an expired password (the change page itself, logout). */
export const AllowedBeforePasswordChange = (): MethodDecorator & ClassDecorator =>
  SetMetadata(ALLOWED_BEFORE_PASSWORD_CHANGE, true);

/** Reachable after the password but before the second factor (the code page itself, logout). */
export const AllowedBeforeSecondFactor = (): MethodDecorator & ClassDecorator =>
  SetMetadata(ALLOWED_BEFORE_SECOND_FACTOR, true);

/** Reachable by a user who must enrol an authenticator and has not yet (the enrolment page, logout). */
export const AllowedBeforeMfaEnrolment = (): MethodDecorator & ClassDecorator =>
  SetMetadata(ALLOWED_BEFORE_MFA_ENROLMENT, true);

export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthUser => {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!request.auth) {
      throw new Error('CurrentUser used on a public route');
    }
    return request.auth.user;
  },
);

/** What a form or action handler reads from its request: who, from where, the body, the query. */
export interface Caller {
  user: AuthUser;
  ip: string;
  body: Record<string, unknown>;
  query: Record<string, string>;
  request: FastifyRequest;
}

/** The signed-in caller of a route (one parameter instead of `@CurrentUser`, `@Req`, `@Body`). */
export const Call = createParamDecorator((_data: unknown, context: ExecutionContext): Caller => {
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  if (!request.auth) {
    throw new Error('Call used on a public route');
  }
  const body = (request.body ?? {}) as Record<string, unknown>;
  const query = request.query as Record<string, string>;
  return { user: request.auth.user, ip: request.ip, body, query, request };
});
