import { WORKFLOW_STATE_LABELS } from '../workflow/workflow-chain.js';
import { WORKFLOW_ACTION_LABELS } from '../workflow/workflow-rules.js';
import { describeAuditDetail } from './audit-detail.js';

describe('describeAuditDetail', () => {
  const context = {
    unitNames: new Map([[7, '渝中区']]),
    codeLabels: { workflowState: WORKFLOW_STATE_LABELS, workflowAction: WORKFLOW_ACTION_LABELS },
  };

  it.each([
    [
      'login_failed',
      { mobile: '13700000001', reason: 'unknown_mobile' },
      '手机号：13700000001；原因：手机号未注册',
    ],
    ['login_failed', { reason: 'inactive' }, '原因：账号已停用'],
    ['password_change_failed', { reason: 'reused' }, '原因：新密码与近期使用过的密码相同'],
    ['password_expired', { maxAgeDays: 90 }, '密码有效期：90 天'],
    ['account_locked', { minutes: 15 }, '锁定时长：15 分钟'],
    ['mfa_verified', { method: 'recovery_code' }, '方式：恢复码'],
    ['mfa_recovery_code_used', { left: 9 }, '剩余恢复码：9 个'],
    ['session_ended', { current: true }, '是否当前登录：是'],
    [
      'sessions_ended',
      { scope: 'all', count: 3 },
      '范围：所有设备上的登录（含当前）；结束的登录：3 个',
    ],
    [
      'user_updated',
      { name: ['张三', '李四'], unitId: [7, 99] },
      '姓名：张三 → 李四；单位：渝中区 → 编号 99 的单位',
    ],
    ['dictionary_updated', { label: ['旧', '新'] }, '名称：旧 → 新'],
    ['dictionary_updated', { points: [3, 5] }, '扣分：3 → 5'],
    ['deduction_updated', { points: [5, 6] }, '扣分：5 → 6'],
    ['dictionary_updated', { active: [true, false] }, '状态：启用 → 停用'],
    [
      'access_denied',
      { status: 403, count: 12, minute: '2026-03-01 09:30', path: '/admin/users' },
      'HTTP 状态码：403；次数：12 次；时间（分钟）：2026-03-01 09:30；首次请求路径：/admin/users',
    ],
    [
      'excel_exported',
      { file: '改革需求台账-2026-03-01.xlsx', rows: 42, filters: '' },
      '文件：改革需求台账-2026-03-01.xlsx；行数：42 行；筛选条件：（空）',
    ],
    [
      'attachment_downloaded',
      { file: '佐证.pdf', records: [], size: 1024, sha256: 'ab12' },
      '文件：佐证.pdf；大小：1024 字节；SHA-256：ab12；所属记录：无',
    ],
    [
      'band_settings_update',
      { before: { mode: 'rank_quintile' }, after: { mode: 'score_threshold' } },
      '修改前：（划档方式：按名次五等分）；修改后：（划档方式：按分数线）',
    ],
    ['dictionary_created', { code: 'reason_x' }, '编码：reason_x'],
    [
      'unit_created',
      {
        name: '新区',
        code: 'xinqu',
        kind: 'district',
        districtType: '区',
        capabilities: ['risk_reporter'],
      },
      '名称：新区；编码：xinqu；类型：区县；区县类型：区；单位职能：风险事件填报单位',
    ],
    [
      'unit_updated',
      {
        before: { code: 'a', name: '甲', kind: 'department', capabilities: [] },
        after: {
          name: '乙',
          code: 'a',
          kind: 'department',
          districtType: '',
          capabilities: [],
          sortOrder: 3,
        },
      },
      '修改前：（名称：甲，编码：a，类型：市级部门，单位职能：无）；修改后：（名称：乙，编码：a，类型：市级部门，区县类型：无，单位职能：无，排序：3）',
    ],
    [
      'pilot_acceptance_recorded',
      { acceptedOn: '2026-05-01', acceptanceDue: null },
      '通过验收日期：2026-05-01；验收期限：无',
    ],
    [
      'project_satisfaction_saved',
      { year: 2026, projects: 12, replaced: false },
      '年度：2026；项目数：12 个；是否覆盖已录入的结果：否',
    ],
    [
      'audit_exported',
      { from: '2026-01-01', to: '2026-03-31', user: '陈' },
      '起始日期：2026-01-01；截止日期：2026-03-31；用户：陈',
    ],
    [
      'workflow_transition',
      { to: '草稿', from: null, role: '录入人员', action: 'submit', actionLabel: '保存并上报' },
      '新建为 草稿；角色：录入人员；操作：保存并上报',
    ],
    [
      'workflow_transition',
      { to: 'returned', from: 'pending', role: 'office', action: 'return', reason: '材料不全' },
      '从 审核中 到 已退回；角色：市委改革办审核人员；操作：退回完善；原因：材料不全',
    ],
  ])('should describe %s %j in Chinese', (action, detail, expected) => {
    expect(describeAuditDetail(action, detail, context)).toBe(expected);
  });

  it('should show nothing for a row without detail and cut long details at 500 characters', () => {
    expect(describeAuditDetail('logout', null, context)).toBe('');
    expect(describeAuditDetail('login', { mobile: '1'.repeat(600) }, context)).toHaveLength(500);
  });
});
