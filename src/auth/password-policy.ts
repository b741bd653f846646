import { DISTRICT_UNITS } from '../database/seed/reference-data.js';
import { commonPasswords } from './common-passwords.js';

/** The reasons a password is refused, in Chinese; none of them repeats the password. */
export const PASSWORD_PROBLEMS = {
  tooLong: '密码不能超过 128 位',
  kinds: '密码须包含大写字母、小写字母、数字、符号中的至少三类',
  mobile: '密码不能包含手机号',
  initial: '不能使用初始密码',
  common: '该密码过于常见，容易被猜中',
  keyboard: '密码包含键盘连续字符（如 qwer、asdf、1qaz）',
  sequence: '密码包含重复或连续的字符（如 aaaa、1234、abcd）',
  wordAndNumber: '密码由常见单词或拼音姓名加年份、123 等简单数字组成',
  place: '密码包含单位名称或地名（如 chongqing）',
  product: '密码包含本系统名称（如 gaige、baobiao）',
} as const;

export function minLengthProblem(minLength: number): string {
  return `密码至少 ${minLength} 位`;
}

export interface PasswordContext {
  mobile: string;
  initialPassword: string;
  minLength: number;
  /** The user's unit: its code (the pinyin, e.g. yuzhong, dept-fagai) and Chinese name. */
  unitCode?: string;
  unitName?: string;
}

/** Keyboard rows, columns and the usual zig-zags, read in either direction. */
const KEYBOARD_WALKS: readonly string[] = [
  'qwertyuiop[]\\',
  "asdfghjkl;'",
  'zxcvbnm,./',
  '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/',
  'qazwsxedcrfvtgbyhnujmik,ol.p;/',
  'zaq1xsw2cde3vfr4bgt5nhy6mju7,ki8.lo9/;p0',
  '1q2w3e4r5t6y7u8i9o0p',
  'q1w2e3r4t5y6u7i8o9p0',
  'qawsedrftgyhujikolp',
  'azsxdcfvgbhnjmk,l.',
].flatMap((walk) => [walk, [...walk].reverse().join('')]);

/** Shifted symbols typed on the digit row, read as their digits (!QAZ@WSX is 1qaz2wsx). */
const SHIFTED_DIGITS: Readonly<Record<string, string>> = {
  '!': '1',
  '@': '2',
  '#': '3',
  $: '4',
  '%': '5',
  '^': '6',
  '&': '7',
  '*': '8',
  '(': '9',
  ')': '0',
};

/** Look-alike substitutions (P@ssw0rd is password); 1 and ! are tried as i and as l. */
const LEET: readonly Readonly<Record<string, string>>[] = [
  { '@': 'a', '4': 'a', '0': 'o', '1': 'i', '!': 'i', '3': 'e', $: 's', '5': 's', '7': 't' },
  { '@': 'a', '4': 'a', '0': 'o', '1': 'l', '!': 'l', '3': 'e', $: 's', '5': 's', '7': 't' },
];

/** Place names: Chongqing and its 41 district-level units (unit codes are their pinyin). */
const PLACES: readonly string[] = [
  'chongqing',
  'chungking',
  'yuzhou',
  ...DISTRICT_UNITS.map((unit) => unit.code),
];

/** The product's own names (改革报表). */
const PRODUCT_NAMES: readonly string[] = ['gaige', 'baobiao', 'reform'];

/** Numbers people put after a word: lucky and love numbers beyond years, runs and repeats. */
const SIMPLE_NUMBERS: ReadonlySet<string> = new Set(['520', '521', '1314', '5201314', '007']);

/** Every syllable of Hanyu Pinyin (ü written v), for names like zhangsan and words like gaige. */
const PINYIN_SYLLABLES: ReadonlySet<string> = new Set(
  `a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu
  pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu
  ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu
  fa fan fang fei fen feng fo fou fu
  da dai dan dang dao de dei den deng di dia dian diao die ding diu dong dou du duan dui dun duo
  ta tai tan tang tao te teng ti tian tiao tie ting tong tou tu tuan tui tun tuo
  na nai nan nang nao ne nei nen neng ni nian niang niao nie nin ning niu nong nou nu nuan nun nuo nv nve
  la lai lan lang lao le lei leng li lia lian liang liao lie lin ling liu lo long lou lu luan lun luo lv lve
  ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui gun guo
  ka kai kan kang kao ke kei ken keng kong kou ku kua kuai kuan kuang kui kun kuo
  ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo
  ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun
  qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun
  xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun
  zha zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo
  cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang chui chun chuo
  sha shai shan shang shao she shei shen sheng shi shou shu shua shuai shuan shuang shui shun shuo
  ran rang rao re ren reng ri rong rou ru rua ruan rui run ruo
  za zai zan zang zao ze zei zen zeng zi zong zou zu zuan zui zun zuo
  ca cai can cang cao ce cen ceng ci cong cou cu cuan cui cun cuo
  sa sai san sang sao se sen seng si song sou su suan sui sun suo
  ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun
  wa wai wan wang wei wen weng wo wu e ei en eng er o ou`.split(/\s+/),
);

/** Whether a lower-case word splits entirely into pinyin syllables (zhangsan = zhang + san). */
export function isPinyin(word: string): boolean {
  if (!/^[a-z]+$/.test(word)) {
    return false;
  }
  const reachable = [true, ...Array<boolean>(word.length).fill(false)];
  for (let end = 1; end <= word.length; end += 1) {
    for (let start = Math.max(0, end - 6); start < end && !reachable[end]; start += 1) {
      reachable[end] = reachable[start] && PINYIN_SYLLABLES.has(word.slice(start, end));
    }
  }
  return reachable[word.length];
}

function deLeet(text: string): string[] {
  return LEET.map((map) => [...text].map((char) => map[char] ?? char).join(''));
}

/** The password and its look-alike readings, lower case, with trailing symbols also dropped. */
function readings(password: string): string[] {
  const lower = password.toLowerCase();
  const trimmed = lower.replace(/[^a-z0-9]+$/, '');
  return [...new Set([lower, trimmed, ...deLeet(lower), ...deLeet(trimmed)])];
}

function isCommon(password: string): boolean {
  const common = commonPasswords();
  return readings(password).some((reading) => common.has(reading));
}

/** A window of 4 or more characters that is a keyboard walk (letters involved: 1234 is a run). */
function hasKeyboardWalk(password: string): boolean {
  const lower = password.toLowerCase();
  const unshifted = [...lower].map((char) => SHIFTED_DIGITS[char] ?? char).join('');
  for (const text of new Set([lower, unshifted])) {
    for (let start = 0; start + 4 <= text.length; start += 1) {
      const window = text.slice(start, start + 4);
      if (/[a-z]/.test(window) && KEYBOARD_WALKS.some((walk) => walk.includes(window))) {
        return true;
      }
    }
  }
  return false;
}

/** Four or more alike (aaaa, 1111), four or more in a row up or down (1234, dcba), or a repeated block. */
function hasRunOrRepeat(password: string): boolean {
  const lower = password.toLowerCase();
  let same = 1;
  let up = 1;
  let down = 1;
  for (let index = 1; index < lower.length; index += 1) {
    const previous = lower[index - 1];
    const current = lower[index];
    const step = current.charCodeAt(0) - previous.charCodeAt(0);
    const alike = /[a-z]/.test(previous) === /[a-z]/.test(current);
    const alphanumeric = /[a-z0-9]/.test(previous) && /[a-z0-9]/.test(current);
    same = step === 0 ? same + 1 : 1;
    up = step === 1 && alike && alphanumeric ? up + 1 : 1;
    down = step === -1 && alike && alphanumeric ? down + 1 : 1;
    if (same >= 4 || up >= 4 || down >= 4) {
      return true;
    }
  }
  return /^(.{1,}?)\1+$/.test(lower) && lower.length >= 2;
}

function isSimpleNumber(digits: string): boolean {
  if (digits.length <= 2 || /^(19|20)\d\d$/.test(digits) || SIMPLE_NUMBERS.has(digits)) {
    return true;
  }
  if (/^(\d)\1+$/.test(digits)) {
    return true;
  }
  const steps = new Set(
    [...digits].slice(1).map((digit, index) => Number(digit) - Number(digits[index])),
  );
  return steps.size === 1 && (steps.has(1) || steps.has(-1));
}

/** One word and one simple number with symbols around (Zhangsan@1990, Admin@123, 1990zhangsan). */
function isWordAndNumber(password: string): boolean {
  const lower = password.toLowerCase();
  const match =
    /^[^a-z0-9]*([a-z]{2,})[^a-z0-9]*([0-9]+)[^a-z0-9]*$/.exec(lower) ??
    /^[^a-z0-9]*([0-9]+)[^a-z0-9]*([a-z]{2,})[^a-z0-9]*$/.exec(lower);
  if (!match) {
    return false;
  }
  const [word, digits] = /[a-z]/.test(match[1]) ? [match[1], match[2]] : [match[2], match[1]];
  return isSimpleNumber(digits) && (commonPasswords().has(word) || isPinyin(word));
}

/** The letters of the password (symbols and digits dropped), also read as look-alikes. */
function letterReadings(password: string): string[] {
  const lower = password.toLowerCase();
  return [lower, ...deLeet(lower)].map((reading) => reading.replace(/[^a-z]/g, ''));
}

function containsAny(password: string, names: readonly string[]): boolean {
  const texts = letterReadings(password);
  return names.some((name) => name.length >= 4 && texts.some((text) => text.includes(name)));
}

function containsPlace(password: string, context: PasswordContext): boolean {
  const own = context.unitCode?.replace(/^dept-/, '').toLowerCase();
  if (containsAny(password, own ? [...PLACES, own] : PLACES)) {
    return true;
  }
  const name = context.unitName?.trim();
  if (!name) {
    return false;
  }
  const stem = name.replace(/(土家族|苗族|自治县|区|县)+$/u, '');
  return password.includes(name) || (stem.length >= 2 && password.includes(stem));
}

/** The whole mobile number, its last 4 digits, or any 6 of its digits in a row. */
function containsMobile(password: string, mobile: string): boolean {
  if (!/^\d{8,}$/.test(mobile)) {
    return mobile.length > 0 && password.includes(mobile);
  }
  const digits = password.replace(/\D/g, '');
  if (password.includes(mobile) || password.includes(mobile.slice(-4))) {
    return true;
  }
  for (let start = 0; start + 6 <= mobile.length; start += 1) {
    if (digits.includes(mobile.slice(start, start + 6))) {
      return true;
    }
  }
  return false;
}

/**
 * Password rules (等保2.0 level 3 asks for complexity): at least minLength characters of which 3 of
 * the 4 kinds (upper case, lower case, digit, symbol); not the mobile number or a part of it; not
 * the initial password; and not guessable (ASVS 6.2.4/6.2.11): not among the most common
 * passwords, no keyboard walk, no run or repeat, not a word or pinyin name plus a year or 123,
 * no place or unit name, not the product's name.
 * Returns the Chinese messages of every rule the password breaks (empty when it is acceptable).
 */
export function passwordPolicyProblems(password: string, context: PasswordContext): string[] {
  const problems: string[] = [];
  if (password.length < context.minLength) {
    problems.push(minLengthProblem(context.minLength));
  }
  if (password.length > 128) {
    problems.push(PASSWORD_PROBLEMS.tooLong);
    return problems;
  }
  const kinds = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((kind) =>
    kind.test(password),
  ).length;
  if (kinds < 3) {
    problems.push(PASSWORD_PROBLEMS.kinds);
  }
  if (containsMobile(password, context.mobile)) {
    problems.push(PASSWORD_PROBLEMS.mobile);
  }
  if (password === context.initialPassword) {
    problems.push(PASSWORD_PROBLEMS.initial);
  }
  if (isCommon(password)) {
    problems.push(PASSWORD_PROBLEMS.common);
  }
  if (hasKeyboardWalk(password)) {
    problems.push(PASSWORD_PROBLEMS.keyboard);
  }
  if (hasRunOrRepeat(password)) {
    problems.push(PASSWORD_PROBLEMS.sequence);
  }
  if (isWordAndNumber(password)) {
    problems.push(PASSWORD_PROBLEMS.wordAndNumber);
  }
  if (containsPlace(password, context)) {
    problems.push(PASSWORD_PROBLEMS.place);
  }
  if (containsAny(password, PRODUCT_NAMES)) {
    problems.push(PASSWORD_PROBLEMS.product);
  }
  return problems;
}
