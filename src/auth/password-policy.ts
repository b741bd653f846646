/**
 * Password rules (等保2.0 level 3 asks for complexity): at least 8 characters of which 3 of the 4
 * kinds (upper case, lower case, digit, symbol); not the mobile number; not the initial password.
 * Returns the Chinese messages of every rule the password breaks (empty when it is acceptable).
 */
export function passwordPolicyProblems(
  password: string,
  context: { mobile: string; initialPassword: string; minLength: number },
): string[] {
  const problems: string[] = [];
  if (password.length < context.minLength) {
    problems.push(`密码至少 ${context.minLength} 位`);
  }
  if (password.length > 128) {
    problems.push('密码不能超过 128 位');
  }
  const kinds = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((kind) =>
    kind.test(password),
  ).length;
  if (kinds < 3) {
    problems.push('密码须包含大写字母、小写字母、数字、符号中的至少三类');
  }
  if (password.includes(context.mobile)) {
    problems.push('密码不能包含手机号');
  }
  if (password === context.initialPassword) {
    problems.push('不能使用初始密码');
  }
  return problems;
}
