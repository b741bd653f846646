import { ROLE_LABELS } from '../auth/roles.js';
import { UNIT_CAPABILITY_LABELS, UNIT_KIND_LABELS } from '../units/unit-kinds.js';
import { AUDIT_ACTION_LABELS } from './audit-actions.js';

/** What the rendering looks up outside the row: the names of the units an id points at. */
export interface AuditDetailContext {
  unitNames: ReadonlyMap<number, string>;
  /**
   * The labels of codes the layers above record (the workflow's states and actions): they hand
   * them to the audit log (AuditCodeLabels) rather than the audit log importing them.
   */
  codeLabels?: Partial<Record<AuditCodeKind, Readonly<Record<string, string>>>>;
}

/** Codes whose labels the layers above register with the audit log. */
export type AuditCodeKind = 'workflowState' | 'workflowAction';

type Format = (value: unknown, context: AuditDetailContext) => string;

interface DetailField {
  label: string;
  format?: Format;
}

/** The stored detail is cut to this length on the page and in the export. */
const MAX_LENGTH = 500;

/** Shown for a key this code does not know (a future or foreign detail), never the key itself. */
const UNKNOWN_KEY_LABEL = '其他';

/** A code (lowercase identifier) outside its table: shown as 「其他」 rather than in English. */
const CODE_PATTERN = /^[a-z][a-z0-9_]*$/;

const LOGIN_FAILURE_REASONS: Record<string, string> = {
  unknown_mobile: '手机号未注册',
  wrong_password: '密码错误',
  locked: '账号已锁定',
  inactive: '账号已停用',
  reused: '新密码与近期使用过的密码相同',
  wrong_code: '动态口令错误',
  replayed_code: '动态口令已使用过',
  wrong_recovery_code: '恢复码错误',
};

const SECOND_FACTOR_METHODS: Record<string, string> = {
  totp: '动态口令(TOTP)',
  recovery_code: '恢复码',
};

const SECOND_FACTOR_STATES: Record<string, string> = {
  pending: '待验证',
};

const SESSION_SCOPES: Record<string, string> = {
  others: '其他设备上的登录',
  all: '所有设备上的登录（含当前）',
};

const RESULTS: Record<string, string> = { success: '成功', failure: '失败' };

const BAND_MODES: Record<string, string> = {
  rank_quintile: '按名次五等分',
  score_threshold: '按分数线',
};

/** Any value as Chinese-readable text: lists joined by 、, nested objects in brackets. */
function plain(value: unknown, context: AuditDetailContext): string {
  if (value === null || value === undefined) {
    return '无';
  }
  if (value === '') {
    return '（空）';
  }
  if (typeof value === 'boolean') {
    return value ? '是' : '否';
  }
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number') {
    return String(value);
  }
  if (Array.isArray(value)) {
    return value.length === 0 ? '无' : value.map((item) => plain(item, context)).join('、');
  }
  if (typeof value === 'object') {
    return `（${describeEntries(Object.entries(value), GENERIC_FIELDS, context, '，')}）`;
  }
  return JSON.stringify(value) ?? '';
}

/** A code through its table; a code outside it is 「其他」, free text (a label) stays as it is. */
function code(labels: Readonly<Record<string, string>>): Format {
  return (value, context) =>
    typeof value === 'string' && Object.hasOwn(labels, value)
      ? labels[value]
      : typeof value === 'string' && CODE_PATTERN.test(value)
        ? UNKNOWN_KEY_LABEL
        : plain(value, context);
}

/** Each element of a list through `format`. */
function each(format: Format): Format {
  return (value, context) =>
    Array.isArray(value)
      ? value.length === 0
        ? '无'
        : value.map((item) => format(item, context)).join('、')
      : format(value, context);
}

function withUnit(unit: string): Format {
  return (value, context) =>
    typeof value === 'number' ? `${value} ${unit}` : plain(value, context);
}

const unitName: Format = (value, context) =>
  typeof value === 'number'
    ? (context.unitNames.get(value) ?? `编号 ${value} 的单位`)
    : plain(value, context);

const activeState: Format = (value, context) =>
  typeof value === 'boolean' ? (value ? '启用' : '停用') : plain(value, context);

/** Every key the app records in `audit_log.detail` (see the callers of AuditService.record). */
const GENERIC_FIELDS: Readonly<Record<string, DetailField>> = {
  // Accounts and logins
  mobile: { label: '手机号' },
  name: { label: '名称' },
  unitId: { label: '单位', format: unitName },
  roles: { label: '角色', format: each(code(ROLE_LABELS)) },
  reason: { label: '原因', format: code(LOGIN_FAILURE_REASONS) },
  secondFactor: { label: '第二因素', format: code(SECOND_FACTOR_STATES) },
  method: { label: '方式', format: code(SECOND_FACTOR_METHODS) },
  left: { label: '剩余恢复码', format: withUnit('个') },
  maxAgeDays: { label: '密码有效期', format: withUnit('天') },
  minutes: { label: '锁定时长', format: withUnit('分钟') },
  scope: { label: '范围', format: code(SESSION_SCOPES) },
  count: { label: '结束的登录', format: withUnit('个') },
  current: { label: '是否当前登录' },
  // Units and dictionaries
  code: { label: '编码' },
  kind: { label: '类型', format: code(UNIT_KIND_LABELS) },
  districtType: {
    label: '区县类型',
    format: (value, context) => (value === '' ? '无' : plain(value, context)),
  },
  capabilities: { label: '单位职能', format: each(code(UNIT_CAPABILITY_LABELS)) },
  sortOrder: { label: '排序' },
  before: { label: '修改前' },
  after: { label: '修改后' },
  label: { label: '名称' },
  active: { label: '状态', format: activeState },
  points: { label: '分值' },
  description: { label: '说明' },
  // Indicator systems and band settings (before / after)
  firstLevels: { label: '一级指标' },
  indicators: { label: '二级指标' },
  weight: { label: '权重' },
  mode: { label: '划档方式', format: code(BAND_MODES) },
  bands: { label: '档位' },
  color: { label: '颜色' },
  minScore: { label: '最低分' },
  // Exports and attachments
  file: { label: '文件' },
  rows: { label: '行数', format: withUnit('行') },
  filters: { label: '筛选条件' },
  size: { label: '大小', format: withUnit('字节') },
  sha256: { label: 'SHA-256' },
  records: { label: '所属记录' },
  // Business records
  acceptedOn: { label: '通过验收日期' },
  acceptanceDue: { label: '验收期限' },
  year: { label: '年度' },
  projects: { label: '项目数', format: withUnit('个') },
  replaced: { label: '是否覆盖已录入的结果' },
  deadline: { label: '反馈期限' },
  units: { label: '单位' },
};

/** Keys whose meaning depends on the action. */
const ACTION_FIELDS: Partial<Record<string, Readonly<Record<string, DetailField>>>> = {
  user_created: { name: { label: '姓名' } },
  user_updated: { name: { label: '姓名' } },
  // Risk deductions were recorded as dictionary_updated before deduction_updated existed.
  dictionary_updated: { points: { label: '扣分' } },
  deduction_updated: { points: { label: '扣分' } },
  access_denied: {
    status: { label: 'HTTP 状态码' },
    count: { label: '次数', format: withUnit('次') },
    minute: { label: '时间（分钟）' },
    path: { label: '首次请求路径' },
  },
  csrf_rejected: {
    status: { label: 'HTTP 状态码' },
    count: { label: '次数', format: withUnit('次') },
    minute: { label: '时间（分钟）' },
    path: { label: '首次请求路径' },
  },
  pilot_corrected: {
    documentNumber: { label: '文号' },
    level: { label: '试点层级', format: code({ national: '国家级', municipal: '市级' }) },
    deployedOn: { label: '部署时间' },
    acceptanceDue: { label: '应验收时间' },
    involvedUnitIds: { label: '涉及区县', format: each(unitName) },
  },
  audit_exported: {
    from: { label: '起始日期' },
    to: { label: '截止日期' },
    user: { label: '用户' },
    unitId: { label: '单位', format: unitName },
    action: { label: '操作', format: code(AUDIT_ACTION_LABELS) },
    result: { label: '结果', format: code(RESULTS) },
  },
};

/** Actions whose two-element lists are a change: [before, after]. */
const CHANGE_ACTIONS: ReadonlySet<string> = new Set([
  'user_updated',
  'dictionary_updated',
  'deduction_updated',
  'pilot_corrected',
]);

function describeEntries(
  entries: [string, unknown][],
  fields: Readonly<Record<string, DetailField>>,
  context: AuditDetailContext,
  separator: string,
  changes = false,
): string {
  // jsonb keeps keys in its own order (shortest first): show them in the order of the tables.
  const order = [...Object.keys(fields), ...Object.keys(GENERIC_FIELDS)];
  const rank = (key: string) => {
    const index = order.indexOf(key);
    return index === -1 ? order.length : index;
  };
  return entries
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([key, value]) => {
      const field = Object.hasOwn(fields, key)
        ? fields[key]
        : Object.hasOwn(GENERIC_FIELDS, key)
          ? GENERIC_FIELDS[key]
          : { label: UNKNOWN_KEY_LABEL };
      const format = field.format ?? plain;
      const text =
        changes && Array.isArray(value) && value.length === 2
          ? `${format(value[0], context)} → ${format(value[1], context)}`
          : format(value, context);
      return `${field.label}：${text}`;
    })
    .join(separator);
}

/** 「从 草稿 到 审核中；角色：录入人员；操作：保存并上报」: states and roles are stored as labels. */
function describeTransition(detail: Record<string, unknown>, context: AuditDetailContext): string {
  const state = code(context.codeLabels?.workflowState ?? {});
  const parts: string[] = [];
  if (detail.to !== undefined) {
    parts.push(
      detail.from === null || detail.from === undefined
        ? `新建为 ${state(detail.to, context)}`
        : `从 ${state(detail.from, context)} 到 ${state(detail.to, context)}`,
    );
  }
  if (detail.role !== undefined && detail.role !== null) {
    parts.push(`角色：${code(ROLE_LABELS)(detail.role, context)}`);
  }
  const action = detail.actionLabel ?? detail.action;
  if (action !== undefined && action !== null) {
    parts.push(`操作：${code(context.codeLabels?.workflowAction ?? {})(action, context)}`);
  }
  if (detail.reason !== undefined && detail.reason !== null) {
    parts.push(`原因：${plain(detail.reason, context)}`);
  }
  const known = new Set(['from', 'to', 'role', 'action', 'actionLabel', 'reason']);
  const rest = Object.entries(detail).filter(([key]) => !known.has(key));
  if (rest.length > 0) {
    parts.push(describeEntries(rest, {}, context, '；'));
  }
  return parts.join('；');
}

/**
 * An audit row's detail (JSON as stored, never changed) in Chinese for the auditor: every key the
 * app records gets its label, codes their meaning; unknown keys show as 「其他」.
 */
export function describeAuditDetail(
  action: string,
  detail: unknown,
  context: AuditDetailContext,
): string {
  if (detail === null || detail === undefined) {
    return '';
  }
  if (typeof detail !== 'object' || Array.isArray(detail)) {
    return plain(detail, context).slice(0, MAX_LENGTH);
  }
  const fields = detail as Record<string, unknown>;
  const text =
    action === 'workflow_transition'
      ? describeTransition(fields, context)
      : describeEntries(
          Object.entries(fields),
          ACTION_FIELDS[action] ?? {},
          context,
          '；',
          CHANGE_ACTIONS.has(action),
        );
  return text.slice(0, MAX_LENGTH);
}
