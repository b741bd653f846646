import { isPinyin, PASSWORD_PROBLEMS, passwordPolicyProblems } from './password-policy.js';

const context = { mobile: '13869274185', initialPassword: '123456', minLength: 8 };

describe('passwordPolicyProblems', () => {
  it.each([
    ['Kpbvwe1!', []],
    ['kpbvwe1!', []], // lower + digit + symbol: three kinds
    ['KPBVWEG1a', []],
    ['Test@Pass2026', []], // two words and a year: not one word plus a number
    ['Lantern#Cove47', []],
    ['Tq9#mLx2vR', []],
  ])('should accept %s', (password, expected) => {
    expect(passwordPolicyProblems(password, context)).toEqual(expected);
  });

  it('should refuse a password shorter than 8 characters', () => {
    expect(passwordPolicyProblems('Ab1!xyz', context)).toEqual(['密码至少 8 位']);
  });

  it('should take a stricter minimum length from the setting', () => {
    expect(passwordPolicyProblems('Lantern#Cove47', { ...context, minLength: 16 })).toEqual([
      '密码至少 16 位',
    ]);
  });

  it('should refuse a password with only two kinds of characters', () => {
    expect(passwordPolicyProblems('kpbvwegh12', context)).toEqual([
      '密码须包含大写字母、小写字母、数字、符号中的至少三类',
    ]);
  });

  it('should refuse a password containing the mobile number', () => {
    expect(passwordPolicyProblems('Aa!13869274185', context)).toEqual(['密码不能包含手机号']);
  });

  it.each([
    ['Kpbv#4185w', 'the last 4 digits'],
    ['Kp#869274b', '6 digits in a row from the middle'],
    ['Kp#1386-927b', '6 digits in a row across a separator'],
  ])('should refuse %s: %s of the mobile number', (password) => {
    expect(passwordPolicyProblems(password, context)).toEqual([PASSWORD_PROBLEMS.mobile]);
  });

  it('should refuse the initial password with every rule it breaks', () => {
    expect(passwordPolicyProblems('123456', context)).toEqual([
      '密码至少 8 位',
      '密码须包含大写字母、小写字母、数字、符号中的至少三类',
      '不能使用初始密码',
      PASSWORD_PROBLEMS.common,
      PASSWORD_PROBLEMS.sequence,
    ]);
  });

  it('should refuse the initial password even when it is complex', () => {
    expect(
      passwordPolicyProblems('Init@Pass1', { ...context, initialPassword: 'Init@Pass1' }),
    ).toEqual(['不能使用初始密码']);
  });

  it.each<[string, keyof typeof PASSWORD_PROBLEMS, string]>([
    ['Password1', 'common', 'in the list as it is'],
    ['Aa123456', 'common', 'in the list, any case'],
    ['P@ssw0rd', 'common', 'look-alike letters of password'],
    ['Iloveyou!!', 'common', 'trailing symbols dropped'],
    ['Woaini1314!', 'common', 'from the Chinese list'],
    ['Qwer@1234', 'keyboard', 'keyboard walk'],
    ['1qaz@WSX9k', 'keyboard', 'keyboard walk'],
    ['!QAZ2wsx#k', 'keyboard', 'keyboard walk'],
    ['Zxcv#8812k', 'keyboard', 'keyboard walk'],
    ['Tk#lkjh52b', 'keyboard', 'keyboard walk'],
    ['Bk8#Asdfgh', 'keyboard', 'keyboard walk'],
    ['Kpbv#aaaa9', 'sequence', 'four alike'],
    ['Kpbv#1111x', 'sequence', 'four digits alike'],
    ['Abcd1234', 'sequence', 'letters and digits up'],
    ['Kpbv#9876x', 'sequence', 'digits down'],
    ['Kp#Wxyz82b', 'sequence', 'letters up across case'],
    ['Kp1!Kp1!', 'sequence', 'one block repeated'],
    ['Zhangsan@1990', 'wordAndNumber', 'pinyin name and a year'],
    ['Admin@123', 'wordAndNumber', 'common word and 123'],
    ['Wangwei#88', 'wordAndNumber', 'pinyin name and two digits'],
    ['1990@Liming', 'wordAndNumber', 'the year first'],
    ['Dragon!2025', 'wordAndNumber', 'common word and a year'],
    ['Gaige@2026', 'product', "the product's name"],
    ['Baobiao#Kp82', 'product', "the product's name"],
    ['Kp82!GaigeBaobiao', 'product', "the product's name"],
  ])('should refuse %s as %s (%s)', (password, problem) => {
    expect(passwordPolicyProblems(password, context)).toContain(PASSWORD_PROBLEMS[problem]);
  });

  it('should not take an unknown word with a number for a name', () => {
    expect(passwordPolicyProblems('Xylophrk@2026', context)).toEqual([]);
  });

  it.each([
    ['Chongqing@2026', {}],
    ['Yuzh0ng#Kp82', {}],
    ['Kp82#Shapingba', {}],
    ['Kp82#Fagai!x', { unitCode: 'dept-fagai' }],
    ['渝中Kp#82x', { unitName: '渝中区' }],
  ])('should refuse %s for naming a place or the unit', (password, unit) => {
    expect(passwordPolicyProblems(password, { ...context, ...unit })).toContain(
      PASSWORD_PROBLEMS.place,
    );
  });

  it('should refuse every password the attack review tried, each for a reason', () => {
    for (const password of [
      'Aa123456',
      'Password1',
      'P@ssw0rd',
      'Qwer@1234',
      'Abcd1234',
      'Admin@123',
      'Zhangsan@1990',
      'Chongqing@2026',
      'Gaige@2026',
    ]) {
      const problems = passwordPolicyProblems(password, context);
      expect({ password, refused: problems.length > 0 }).toEqual({ password, refused: true });
      expect(problems.join('')).not.toContain(password);
    }
  });
});

describe('isPinyin', () => {
  it.each([
    ['zhangsan', true],
    ['gaige', true],
    ['chongqing', true],
    ['xian', true],
    ['dragon', false],
    ['pass', false],
  ])('%s → %s', (word, expected) => {
    expect(isPinyin(word)).toBe(expected);
  });
});
