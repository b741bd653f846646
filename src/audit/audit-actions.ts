/** Every action the audit log records, with its Chinese label for the auditor's page. */
export const AUDIT_ACTION_LABELS = {
  login: '登录',
  login_failed: '登录失败',
  login_rate_limited: '登录频率超限',
  account_locked: '账号锁定',
  logout: '退出登录',
  password_changed: '修改密码',
  password_change_failed: '修改密码失败',
  password_reset: '重置密码',
  password_expired: '密码已过期',
  mfa_enrolled: '绑定两步验证',
  mfa_verified: '两步验证通过',
  mfa_failed: '两步验证失败',
  mfa_recovery_code_used: '使用恢复码',
  mfa_recovery_codes_regenerated: '重新生成恢复码',
  mfa_disabled: '关闭两步验证',
  mfa_reset: '重置两步验证',
  session_ended: '结束登录会话',
  sessions_ended: '批量结束登录会话',
  user_created: '新增用户',
  user_updated: '修改用户',
  user_deactivated: '停用用户',
  user_activated: '启用用户',
  user_unlocked: '解锁用户',
  unit_created: '新增单位',
  unit_updated: '修改单位',
  unit_deactivated: '停用单位',
  unit_activated: '启用单位',
  dictionary_created: '新增字典项',
  dictionary_updated: '修改字典项',
  audit_exported: '导出审计日志',
  workflow_transition: '流程操作',
  assignment_created: '交办任务',
  pilot_acceptance_recorded: '登记试点验收',
  pilot_corrected: '确认分发时修正试点信息',
  project_satisfaction_saved: '录入重大改革项目满意度',
  indicator_system_draft: '新建指标体系草稿',
  indicator_system_update: '修改指标体系',
  indicator_system_activate: '启用指标体系',
  band_settings_update: '修改五色图设置',
  report_generated: '生成报表',
} as const;

export type AuditAction = keyof typeof AUDIT_ACTION_LABELS;

export function isAuditAction(value: string): value is AuditAction {
  return Object.hasOwn(AUDIT_ACTION_LABELS, value);
}
