import { labelledCodes } from '../common/codes/labelled-codes.js';

export const ROLES = labelledCodes({
  entry: '录入人员',
  reviewer: '审核人员',
  office: '市委改革办审核人员',
  leader: '领导人员',
  admin: '系统管理员',
  auditor: '审计管理员',
});
export const ROLE_CODES = ROLES.codes;
export type RoleCode = (typeof ROLE_CODES)[number];
export const ROLE_LABELS = ROLES.labels;

/**
 * The roles that work with business data (records, ledgers, files, reports). The auditor is not
 * one of them: 三员分立, it reads the audit log and nothing else.
 */
export const BUSINESS_ROLES: readonly RoleCode[] = [
  'entry',
  'reviewer',
  'office',
  'leader',
  'admin',
];

/**
 * 三员分立: the system administrator and the security auditor are separate people and hold no
 * business role. Returns a Chinese message when the combination is not allowed.
 */
export function roleCombinationProblem(roles: readonly RoleCode[]): string | undefined {
  if (roles.length === 0) {
    return '请至少选择一个角色';
  }
  if (roles.includes('admin') && roles.length > 1) {
    return '系统管理员不能兼任其他角色（三员分立）';
  }
  if (roles.includes('auditor') && roles.length > 1) {
    return '审计管理员不能兼任其他角色（三员分立）';
  }
  return undefined;
}
