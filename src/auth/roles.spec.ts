import { roleCombinationProblem } from './roles.js';

describe('roleCombinationProblem (三员分立)', () => {
  it.each([
    [['entry'], undefined],
    [['entry', 'reviewer'], undefined],
    [['office', 'leader'], undefined],
    [['admin'], undefined],
    [['auditor'], undefined],
  ] as const)('should allow %j', (roles, expected) => {
    expect(roleCombinationProblem(roles)).toBe(expected);
  });

  it.each([
    [['admin', 'entry'], '系统管理员不能兼任其他角色（三员分立）'],
    [['admin', 'auditor'], '系统管理员不能兼任其他角色（三员分立）'],
    [['auditor', 'office'], '审计管理员不能兼任其他角色（三员分立）'],
    [[], '请至少选择一个角色'],
  ] as const)('should refuse %j', (roles, expected) => {
    expect(roleCombinationProblem(roles)).toBe(expected);
  });
});
