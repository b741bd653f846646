import type { AppConfig } from '../config/app-config.js';
import type { PendingStep } from './auth-context.js';
import type { RoleCode } from './roles.js';

/** Roles that must sign in with a second factor (等保 level 3: administrators and the office). */
export const MFA_MANDATORY_ROLES: readonly RoleCode[] = ['office', 'admin', 'auditor'];

/** The page where each pending step is done. */
export const PENDING_STEP_PAGES: Record<PendingStep, string> = {
  second_factor: '/login/second-factor',
  password_change: '/account/password',
  mfa_enrolment: '/account/mfa',
};

export function mfaMandatoryFor(roles: readonly RoleCode[], config: AppConfig['mfa']): boolean {
  return config.requiredForAll || roles.some((role) => MFA_MANDATORY_ROLES.includes(role));
}

/** The first step a session still owes, or undefined when it is fully authenticated. */
export function pendingStepFor(
  state: {
    awaitingSecondFactor: boolean;
    mustChangePassword: boolean;
    roles: readonly RoleCode[];
    totpEnrolled: boolean;
  },
  config: AppConfig['mfa'],
): PendingStep | undefined {
  if (state.awaitingSecondFactor) {
    return 'second_factor';
  }
  if (state.mustChangePassword) {
    return 'password_change';
  }
  if (config.enforceEnrolment && !state.totpEnrolled && mfaMandatoryFor(state.roles, config)) {
    return 'mfa_enrolment';
  }
  return undefined;
}
