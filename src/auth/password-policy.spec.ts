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

  it.each([
    ['Password1', 'in the list as it is'],
    ['Aa123456', 'in the list, any case'],
    ['P@ssw0rd', 'look-alike letters of password'],
    ['Iloveyou!!', 'trailing symbols dropped'],
    ['Woaini1314!', 'from the Chinese list'],
  ])('should refuse %s as too common (%s)', (password) => {
    expect(passwordPolicyProblems(password, context)).toContain(PASSWORD_PROBLEMS.common);
  });

  it.each(['Qwer@1234', '1qaz@WSX9k', '!QAZ2wsx#k', 'Zxcv#8812k', 'Tk#lkjh52b', 'Bk8#Asdfgh'])(
    'should refuse the keyboard walk in %s',
    (password) => {
      expect(passwordPolicyProblems(password, context)).toContain(PASSWORD_PROBLEMS.keyboard);
    },
  );

  it.each([
    ['Kpbv#aaaa9', 'four alike'],
    ['Kpbv#1111x', 'four digits alike'],
    ['Abcd1234', 'letters and digits up'],
    ['Kpbv#9876x', 'digits down'],
    ['Kp#Wxyz82b', 'letters up across case'],
    ['Kp1!Kp1!', 'one block repeated'],
  ])('should refuse %s: %s', (password) => {
    expect(passwordPolicyProblems(password, context)).toContain(PASSWORD_PROBLEMS.sequence);
  });

  it.each([
    ['Zhangsan@1990', 'pinyin name and a year'],
    ['Admin@123', 'common word and 123'],
    ['Wangwei#88', 'pinyin name and two digits'],
    ['1990@Liming', 'the year first'],
    ['Dragon!2025', 'common word and a year'],
  ])('should refuse %s: %s', (password) => {
    expect(passwordPolicyProblems(password, context)).toContain(PASSWORD_PROBLEMS.wordAndNumber);
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

  it.each(['Gaige@2026', 'Baobiao#Kp82', 'Kp82!GaigeBaobiao'])(
    "should refuse %s for the product's name",
    (password) => {
      expect(passwordPolicyProblems(password, context)).toContain(PASSWORD_PROBLEMS.product);
    },
  );

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
