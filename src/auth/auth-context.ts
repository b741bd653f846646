import type { UnitCapability, UnitKind } from '../units/unit.entity.js';
import type { RoleCode } from './roles.js';

/** The signed-in user as every request sees it: loaded with the session in one query. */
export interface AuthUser {
  id: string;
  name: string;
  mobile: string;
  roles: RoleCode[];
  unitId: number;
  unitName: string;
  unitKind: UnitKind;
  unitCapabilities: UnitCapability[];
  mustChangePassword: boolean;
}

export interface AuthContext {
  user: AuthUser;
  sessionIdHash: string;
  csrfToken: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth?: AuthContext;
    /** Anonymous visitors' CSRF token (double-submit cookie), set before login. */
    anonymousCsrfToken?: string;
  }
  interface FastifyReply {
    /** Data every template sees (decorated by @fastify/view): user, navigation, CSRF token, flash. */
    locals: Record<string, unknown>;
  }
}

export function hasRole(user: AuthUser, ...roles: RoleCode[]): boolean {
  return roles.some((role) => user.roles.includes(role));
}
