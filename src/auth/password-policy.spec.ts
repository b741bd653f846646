import { passwordPolicyProblems } from './password-policy.js';

const context = { mobile: '13800001111', initialPassword: '123456', minLength: 8 };

describe('passwordPolicyProblems', () => {
  it.each([
    ['Abcdef1!', []],
    ['abcdef1!', []], // lower + digit + symbol: three kinds
    ['ABCDEFG1a', []],
  ])('should accept %s', (password, expected) => {
    expect(passwordPolicyProblems(password, context)).toEqual(expected);
  });

  it('should refuse a password shorter than 8 characters', () => {
    expect(passwordPolicyProblems('Ab1!xyz', context)).toEqual(['密码至少 8 位']);
  });

  it('should refuse a password with only two kinds of characters', () => {
    expect(passwordPolicyProblems('abcdefgh12', context)).toEqual([
      '密码须包含大写字母、小写字母、数字、符号中的至少三类',
    ]);
  });

  it('should refuse a password containing the mobile number', () => {
    expect(passwordPolicyProblems('Aa!13800001111', context)).toEqual(['密码不能包含手机号']);
  });

  it('should refuse the initial password with every rule it breaks', () => {
    expect(passwordPolicyProblems('123456', context)).toEqual([
      '密码至少 8 位',
      '密码须包含大写字母、小写字母、数字、符号中的至少三类',
      '不能使用初始密码',
    ]);
  });

  it('should refuse the initial password even when it is complex', () => {
    expect(
      passwordPolicyProblems('Init@Pass1', { ...context, initialPassword: 'Init@Pass1' }),
    ).toEqual(['不能使用初始密码']);
  });
});
