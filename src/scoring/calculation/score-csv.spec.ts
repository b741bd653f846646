import { DISTRICT_SYSTEM, MAJOR_PROJECT_SYSTEM } from './default-systems.js';
import type { UnitInput } from './efficacy.js';
import { parseScoreCsv } from './score-csv.js';

/** Units as [name, {code: exact text}] for readable expectations. */
const plain = (units: UnitInput[]) =>
  units.map((unit) => [
    unit.unit,
    Object.fromEntries(
      Object.entries(unit.values).map(([code, value]) => [code, value.toString()]),
    ),
  ]);

/** The messages a CSV gets against a system. */
const errorsOf = (text: string, system = DISTRICT_SYSTEM) => parseScoreCsv(text, system).errors;

/** The units of a CSV read without a message. */
const unitsOf = (text: string, system = DISTRICT_SYSTEM) => {
  const result = parseScoreCsv(text, system);
  expect(result.errors).toEqual([]);
  return plain(result.units);
};

describe('parseScoreCsv', () => {
  it('should read a BOM, CRLF, quoted names and exact decimals, skipping blank lines', () => {
    const text =
      '\uFEFFunit,pilot_count,satisfaction,negative_opinion\r\n' +
      '"甲区, 新城",3,92.35,1\r\n' +
      '\r\n' +
      '"乙""区""", 0 ,-0.5,0\r\n';
    // 92.35 = 1847/20; −0.5 = −1/2
    expect(unitsOf(text)).toEqual([
      ['甲区, 新城', { pilot_count: '3', satisfaction: '1847/20', negative_opinion: '1' }],
      ['乙"区"', { pilot_count: '0', satisfaction: '-1/2', negative_opinion: '0' }],
    ]);
  });

  it('should take the indicators’ names and 单位 as headings, naming them in messages', () => {
    const text =
      '单位,承接国家级和市级试点项目数,satisfaction,重大负面网络舆情\n甲区,3,92.5,1\n乙区,多,90,0\n';
    const result = parseScoreCsv(text, DISTRICT_SYSTEM);
    expect(result.errors).toEqual(['第 3 行「承接国家级和市级试点项目数」列：“多”不是数字']);
    // 92.5 = 185/2
    expect(unitsOf(text.replace('多', '2'))).toEqual([
      ['甲区', { pilot_count: '3', satisfaction: '185/2', negative_opinion: '1' }],
      ['乙区', { pilot_count: '2', satisfaction: '90', negative_opinion: '0' }],
    ]);
    // A name and its code are the same column.
    expect(errorsOf('区县,pilot_count,承接国家级和市级试点项目数\nA,1,1\n')).toEqual([
      '第 1 行「承接国家级和市级试点项目数」列：列名重复',
    ]);
  });

  it('should keep a record with a line break inside quotes on one row and end without a newline', () => {
    const text = 'unit,pilot_count\n"甲\n区",1\n乙区,x';
    // rows: header 1, "甲\n区" 2, 乙区 3 (the quoted line break does not start a row)
    expect(errorsOf(text)).toEqual(['第 3 行「pilot_count」列：“x”不是数字']);
  });

  it('should name bad header columns', () => {
    expect(errorsOf('name,pilot_count,foo,pilot_count\nA,1,2,3\n')).toEqual([
      '第 1 行：第一列的列名须为“unit”或“单位”（单位名称）',
      '第 1 行「foo」列：不是区县改革综合指数的指标代码或指标名称',
      '第 1 行「pilot_count」列：列名重复',
    ]);
    // a district code is unknown to the major project system
    expect(errorsOf('unit,pilot_count\nA,1\n', MAJOR_PROJECT_SYSTEM)).toEqual([
      '第 1 行「pilot_count」列：不是市级重大改革项目综合指数的指标代码或指标名称',
    ]);
    expect(errorsOf('unit\nA\n')).toEqual([
      '第 1 行：表头除单位列外至少须有一个指标代码或指标名称',
    ]);
    expect(errorsOf('\uFEFF\n\n')).toEqual([
      '文件为空：第 1 行须为表头（unit 和指标代码，或“单位”和指标名称）',
    ]);
    expect(errorsOf('unit,pilot_count\n')).toEqual(['表头下没有单位的数据行']);
  });

  it('should name the row (header = row 1, blank lines counted) and column of every bad cell', () => {
    const text = [
      'unit,pilot_count,satisfaction,incident_major',
      '甲区,1e2,90,0', // row 2
      '', // row 3, skipped
      '乙区,,12%,1.5', // row 4
      ',1,2,-1', // row 5
      '甲区,1,2,0,,', // row 6: trailing empty cells are fine
      '丙区,1,2,0,7', // row 7
      '丁区,1,2', // row 8: a missing cell is an empty one
    ].join('\n');
    expect(errorsOf(text)).toEqual([
      '第 2 行「pilot_count」列：“1e2”不是数字',
      '第 4 行「pilot_count」列：值为空',
      '第 4 行「satisfaction」列：“12%”不是数字',
      '第 4 行「incident_major」列：“1.5”须为事件次数（非负整数）',
      '第 5 行「unit」列：单位名称为空',
      '第 5 行「incident_major」列：“-1”须为事件次数（非负整数）',
      '第 6 行「unit」列：“甲区”与第 2 行重复',
      '第 7 行：有 5 列，多于表头的 4 列',
      '第 8 行「incident_major」列：值为空（没有事件填 0）',
    ]);
  });

  it('should refuse an unclosed quote and text after a closing quote', () => {
    expect(errorsOf('unit,pilot_count\n"甲区,1\n')).toEqual(['第 2 行：引号没有闭合']);
    expect(errorsOf('unit,pilot_count\n"甲"区,1\n')).toEqual([
      '第 2 行：引号结束后须紧跟逗号或换行',
    ]);
  });

  it('should refuse values longer than 30 characters', () => {
    const long = '1'.repeat(31);
    expect(errorsOf(`unit,pilot_count\nA,${long}\n`)).toEqual([
      `第 2 行「pilot_count」列：“${'1'.repeat(30)}”不是数字`,
    ]);
  });

  describe('rates written in percent', () => {
    it('should read 8.3%, 8.3 and 8.3 ％ as the same 8.3% (the fraction 83/1000) and 100% as 1', () => {
      const text = '单位,试点按时通过验收率\n甲区,8.3%\n乙区,8.3\n丙区,8.3 ％\n丁区,100%\n戊区,0\n';
      expect(unitsOf(text)).toEqual([
        ['甲区', { pilot_acceptance_rate: '83/1000' }],
        ['乙区', { pilot_acceptance_rate: '83/1000' }],
        ['丙区', { pilot_acceptance_rate: '83/1000' }],
        ['丁区', { pilot_acceptance_rate: '1' }],
        ['戊区', { pilot_acceptance_rate: '0' }],
      ]);
    });

    it('should refuse a rate outside 0–100 naming the cell, never reading it as 830%', () => {
      const text = '单位,试点按时通过验收率,pilot_count\n甲区,830,1\n乙区,-1%,2\n丙区,100.5%,3\n';
      expect(errorsOf(text)).toEqual([
        '第 2 行「试点按时通过验收率」列：“830”超出范围：比率按百分数填写，须在 0–100 之间（如 8.3 或 8.3% 表示 8.3%）',
        '第 3 行「试点按时通过验收率」列：“-1%”超出范围：比率按百分数填写，须在 0–100 之间（如 8.3 或 8.3% 表示 8.3%）',
        '第 4 行「试点按时通过验收率」列：“100.5%”超出范围：比率按百分数填写，须在 0–100 之间（如 8.3 或 8.3% 表示 8.3%）',
      ]);
    });

    it('should take a % only on a rate', () => {
      expect(errorsOf('单位,pilot_count\n甲区,3%\n')).toEqual([
        '第 2 行「pilot_count」列：“3%”不是数字',
      ]);
    });
  });

  describe("the report's own Excel export read back", () => {
    // The header and cells the export writes (reports.controller): rank, unit, band, then per
    // indicator a raw value (rates as 91.2%) and a score, event counts, deductions, total.
    const exported = [
      '名次,区县,五色图,承接国家级和市级试点项目数（原始值）,承接国家级和市级试点项目数（得分，满分20）,' +
        '试点按时通过验收率（原始值）,试点按时通过验收率（得分，满分10）,重大负面网络舆情（起数）,扣分合计,总分',
      '1,万州区,第一档（红色）,5,20,91.2%,10,0,0,30',
      '2,黔江区,第二档（橙色）,2,17.6,50%,8,1,0.1,25.5',
    ].join('\n');

    it('should take the unit column, the raw values and the event counts, and ignore the scores', () => {
      // 91.2% = 912/1000 = 114/125; 50% = 1/2
      expect(unitsOf(exported)).toEqual([
        ['万州区', { pilot_count: '5', pilot_acceptance_rate: '114/125', negative_opinion: '0' }],
        ['黔江区', { pilot_count: '2', pilot_acceptance_rate: '1/2', negative_opinion: '1' }],
      ]);
    });

    it('should name the exported column of a bad cell', () => {
      const broken = exported.replace('91.2%', '912');
      expect(errorsOf(broken)).toEqual([
        '第 2 行「试点按时通过验收率（原始值）」列：“912”超出范围：比率按百分数填写，须在 0–100 之间（如 8.3 或 8.3% 表示 8.3%）',
      ]);
    });
  });
});

describe('parseScoreCsv: a rate with nothing due', () => {
  it('should read 0/0 in a rate column as nothing due, and refuse it elsewhere', () => {
    const parsed = parseScoreCsv(
      'unit,pilot_count,pilot_acceptance_rate\nA,2,0.5\nB,0,0/0\nC,1,0/0（无应考核事项）\n',
      DISTRICT_SYSTEM,
    );
    expect(parsed.errors).toEqual([]);
    expect(parsed.units.map((unit) => unit.nothingDue ?? [])).toEqual([
      [],
      ['pilot_acceptance_rate'],
      ['pilot_acceptance_rate'],
    ]);
    expect(errorsOf('unit,pilot_count\nA,0/0\n')).toEqual([
      '第 2 行「pilot_count」列：“0/0”不是数字',
    ]);
  });
});
