import type { NavView } from '../home/navigation.js';
import type { UnitCapability, UnitKind } from '../units/unit-kinds.js';
import type { InboxSqlRow } from '../workflow/workflow-item.js';
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

/**
 * What a signed-in session still has to do before it may use the app, in this order: give the
 * second factor, replace an initial or expired password, enrol an authenticator when mandatory.
 */
export type PendingStep = 'second_factor' | 'password_change' | 'mfa_enrolment';

export interface AuthContext {
  user: AuthUser;
  sessionIdHash: string;
  csrfToken: string;
  /** Undefined once the session is fully authenticated. */
  pendingStep?: PendingStep;
  /** The password is older than the configured maximum age (the change page says why). */
  passwordExpired?: boolean;
  /**
   * The navigation's counts, when the session was loaded for a whole page; `inbox` undefined on
   * the 待办 page, whose own query counts it (InboxController).
   */
  badges?: { inbox?: number; notifications: number };
  /** The unfiltered 待办 page's rows, read with the session (SessionStore.load) for that page. */
  inboxRead?: { page: number; rows: InboxSqlRow[] };
}

declare module 'fastify' {
  interface FastifyRequest {
    auth?: AuthContext;
    /** Anonymous visitors' CSRF token (double-submit cookie), set before login. */
    anonymousCsrfToken?: string;
    /** The one-time token of the filing form this request claimed (common/forms/form-submissions). */
    onceToken?: string;
    /** The page's navigation, built once by the preHandler (reply.locals.nav is the same array). */
    navigation?: NavView[];
  }
  interface FastifyReply {
    /** Data every template sees (decorated by @fastify/view): user, navigation, CSRF token, flash. */
    locals: Record<string, unknown>;
  }
}

export function hasRole(user: AuthUser, ...roles: RoleCode[]): boolean {
  return roles.some((role) => user.roles.includes(role));
}

/**
 * Whether a user's ledgers list other units' approved records (DESIGN §1): the office, leaders and
 * admins. Clerks and reviewers see their own unit's records and those their unit is involved in,
 * the same records the pages let them open.
 */
export function seesAllApproved(user: AuthUser): boolean {
  return hasRole(user, 'office', 'leader', 'admin');
}
