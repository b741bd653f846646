/**
 * What-if input (指标测算) as CSV: header `unit` (or 单位) followed by indicator and deduction
 * codes (or the indicators' names), one row per unit, decimal values (deduction columns: event
 * counts). The report's own Excel export reads back too: its 区县/项目 column and its
 * 「…（原始值）」 and 「…（起数）」 columns are taken, the score columns ignored. Pure, so the
 * command line and the what-if page share it.
 *
 * Rates (试点按时通过验收率 and the other `_rate` indicators) are written in percent, as the
 * reports show them: 8.3 and 8.3% are the same, 8.3%. A rate outside 0–100 (830, 8.3 typed as
 * 830 or a fraction read wrongly) is refused with the cell named, never shown as 830%. Only rates
 * take a % sign. Inside, a rate is the fraction 0–1 the reports keep (8.3% → 0.083).
 *
 * A rate cell with nothing due is written 0/0 (as reports print it) and scored by the system's
 * 0/0 rule.
 */
import type { UnitInput } from './efficacy.js';
import { nothingDueRuleOf } from './indicator-catalogue.js';
import { Fraction } from './fraction.js';
import { isRateCode, UNIT_COLUMN } from './indicator-system.js';
import type { IndicatorSystemDefinition, SecondLevelIndicator } from './indicator-system.js';

export interface ScoreCsvResult {
  /** Units in file order; empty when there are errors. */
  units: UnitInput[];
  /** Chinese messages naming the row (header = row 1) and column. */
  errors: string[];
}

/** Chinese headings accepted for the first column besides `unit`. */
const UNIT_HEADINGS = ['单位', '单位名称', '区县', '项目'];

/** The columns of a report's Excel export that hold the raw values (see reports.controller). */
export const RAW_VALUE_SUFFIX = '（原始值）';
export const EVENT_COUNT_SUFFIX = '（起数）';
/** A rate cell of nothing due: 0/0, optionally followed by a note (0/0（无应考核事项）). */
const NOTHING_DUE_CELL = /^0\s*\/\s*0(?:\s*[（(].*[）)])?$/;

/** Longest value text accepted, so a pasted blob cannot turn into a huge bigint. */
const MAX_VALUE_LENGTH = 30;

const HUNDRED = Fraction.of(100);

/** The rule of the rate columns, as the what-if page states it. */
export const RATE_RULE =
  '比率类指标（名称以“率”结尾，如试点按时通过验收率）按百分数填写：8.3 与 8.3% 相同，都表示 8.3%；须在 0–100 之间，超出的值会被指出，不会当作 830% 计算。报表导出的 Excel 中的“91.2%”可直接读回。其他指标填数值，不带 %。';

interface Layout {
  /** The heading shown in messages, per logical column (unit first). */
  headings: string[];
  /** The indicator code per logical column (UNIT_COLUMN first). */
  columns: string[];
  /** Where each logical column is in a row's cells. */
  sources: number[];
  /** A report export has more columns than it reads (scores, totals). */
  extraColumnsAllowed: boolean;
}

export function parseScoreCsv(text: string, system: IndicatorSystemDefinition): ScoreCsvResult {
  const records = splitCsv(text.startsWith('\uFEFF') ? text.slice(1) : text);
  if ('error' in records) {
    return { units: [], errors: [records.error] };
  }
  const rows = records.rows.filter((row) => !isBlank(row.cells));
  if (rows.length === 0) {
    return {
      units: [],
      errors: ['文件为空：第 1 行须为表头（unit 和指标代码，或“单位”和指标名称）'],
    };
  }
  const [header, ...data] = rows;
  const errors: string[] = [];
  const byCode = new Map(system.indicators.map((indicator) => [indicator.code, indicator]));
  // A heading may be the indicator's code or, as a spreadsheet made by hand would have it, its name.
  const codeByName = new Map(
    system.indicators.map((indicator) => [indicator.name, indicator.code]),
  );
  const trimmed = header.cells.map((cell) => cell.trim());
  const layout = isReportExport(trimmed)
    ? reportLayout(trimmed, header.row, byCode, codeByName, errors)
    : {
        headings: trimmed,
        columns: trimmed.map((heading, index) =>
          index === 0
            ? heading
            : byCode.has(heading)
              ? heading
              : (codeByName.get(heading) ?? heading),
        ),
        sources: trimmed.map((_, index) => index),
        extraColumnsAllowed: false,
      };
  const { headings, columns, sources } = layout;
  if (columns[0] !== UNIT_COLUMN && !UNIT_HEADINGS.includes(columns[0])) {
    errors.push(`第 ${header.row} 行：第一列的列名须为“${UNIT_COLUMN}”或“单位”（单位名称）`);
  }
  const seenColumns = new Set<string>();
  columns.slice(1).forEach((code, index) => {
    const heading = headings[index + 1];
    if (!byCode.has(code)) {
      errors.push(`第 ${header.row} 行「${heading}」列：不是${system.name}的指标代码或指标名称`);
    } else if (seenColumns.has(code)) {
      errors.push(`第 ${header.row} 行「${heading}」列：列名重复`);
    }
    seenColumns.add(code);
  });
  if (columns.length < 2) {
    errors.push(`第 ${header.row} 行：表头除单位列外至少须有一个指标代码或指标名称`);
  }
  if (errors.length > 0) {
    return { units: [], errors };
  }
  if (data.length === 0) {
    errors.push('表头下没有单位的数据行');
  }

  const units: UnitInput[] = [];
  const seenUnits = new Map<string, number>();
  for (const { row, cells } of data) {
    if (
      !layout.extraColumnsAllowed &&
      cells.length > columns.length &&
      cells.slice(columns.length).some((c) => c.trim() !== '')
    ) {
      errors.push(`第 ${row} 行：有 ${cells.length} 列，多于表头的 ${columns.length} 列`);
      continue;
    }
    const unit = (cells[sources[0]] ?? '').trim();
    if (unit === '') {
      errors.push(`第 ${row} 行「${headings[0]}」列：单位名称为空`);
    } else if (seenUnits.has(unit)) {
      errors.push(`第 ${row} 行「${headings[0]}」列：“${unit}”与第 ${seenUnits.get(unit)} 行重复`);
    } else {
      seenUnits.set(unit, row);
    }
    const values: Record<string, Fraction> = {};
    const nothingDue: string[] = [];
    columns.slice(1).forEach((code, i) => {
      const cell = (cells[sources[i + 1]] ?? '').trim();
      const where = `第 ${row} 行「${headings[i + 1]}」列：`;
      // A rate with nothing due is written 0/0 (as reports print it): scored by the 0/0 rule.
      if (NOTHING_DUE_CELL.test(cell) && nothingDueRuleOf(system.kind, byCode.get(code)!)) {
        values[code] = Fraction.ONE;
        nothingDue.push(code);
        return;
      }
      const read = readValue(cell, byCode.get(code)!);
      if ('error' in read) {
        errors.push(`${where}${read.error}`);
      } else {
        values[code] = read.value;
      }
    });
    units.push(nothingDue.length > 0 ? { unit, values, nothingDue } : { unit, values });
  }
  return errors.length > 0 ? { units: [], errors } : { units, errors };
}

/**
 * One cell's value for its indicator: a rate in percent (8.3 or 8.3%, 0–100, kept as the fraction
 * 0.083); a deduction as an event count; anything else a decimal without %.
 */
export function readValue(
  cell: string,
  indicator: SecondLevelIndicator,
): { value: Fraction } | { error: string } {
  const isDeduction = indicator.method.kind === 'deduction';
  if (cell === '') {
    return { error: `值为空${isDeduction ? '（没有事件填 0）' : ''}` };
  }
  const rate = isRateCode(indicator.code);
  const percent = rate ? /^(.*?)\s*[%％]$/.exec(cell) : null;
  const number = percent ? percent[1].trim() : cell;
  const parsed = number.length <= MAX_VALUE_LENGTH ? Fraction.tryParse(number) : null;
  if (parsed === null) {
    return { error: `“${cell.slice(0, MAX_VALUE_LENGTH)}”不是数字` };
  }
  if (rate) {
    if (parsed.isNegative() || parsed.compare(HUNDRED) > 0) {
      return {
        error: `“${cell}”超出范围：比率按百分数填写，须在 0–100 之间（如 8.3 或 8.3% 表示 8.3%）`,
      };
    }
    return { value: parsed.div(HUNDRED) };
  }
  if (isDeduction && (!parsed.isInteger() || parsed.isNegative())) {
    return { error: `“${cell}”须为事件次数（非负整数）` };
  }
  return { value: parsed };
}

function isReportExport(headings: string[]): boolean {
  return headings.some(
    (heading) => heading.endsWith(RAW_VALUE_SUFFIX) || heading.endsWith(EVENT_COUNT_SUFFIX),
  );
}

/** The columns a report export is read by: its unit column and its raw values and event counts. */
function reportLayout(
  headings: string[],
  headerRow: number,
  byCode: ReadonlyMap<string, SecondLevelIndicator>,
  codeByName: ReadonlyMap<string, string>,
  errors: string[],
): Layout {
  const unitIndex = headings.findIndex(
    (heading) => heading === UNIT_COLUMN || UNIT_HEADINGS.includes(heading),
  );
  if (unitIndex === -1) {
    errors.push(`第 ${headerRow} 行：找不到“区县”或“项目”列（报表导出的 Excel 第二列）`);
  }
  const layout: Layout = {
    headings: [headings[unitIndex] ?? UNIT_COLUMN],
    columns: [UNIT_COLUMN],
    sources: [unitIndex],
    extraColumnsAllowed: true,
  };
  headings.forEach((heading, index) => {
    const suffix = [RAW_VALUE_SUFFIX, EVENT_COUNT_SUFFIX].find((end) => heading.endsWith(end));
    if (!suffix) {
      return;
    }
    const name = heading.slice(0, -suffix.length).trim();
    layout.headings.push(heading);
    layout.columns.push(byCode.has(name) ? name : (codeByName.get(name) ?? name));
    layout.sources.push(index);
  });
  return layout;
}

interface CsvRecord {
  /** 1-based record number, blank records included: the row a spreadsheet shows it on. */
  row: number;
  cells: string[];
}

/** RFC 4180: comma separated, CRLF or LF, fields in double quotes may hold commas, quotes ("") and line breaks. */
function splitCsv(text: string): { rows: CsvRecord[] } | { error: string } {
  const rows: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let row = 1;
  let i = 0;
  const endCell = () => {
    cells.push(cell);
    cell = '';
  };
  const endRecord = () => {
    endCell();
    rows.push({ row, cells });
    cells = [];
    row += 1;
  };
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (ch === '"') {
        quoted = false;
        i += 1;
        if (i < text.length && !',\r\n'.includes(text[i])) {
          return { error: `第 ${row} 行：引号结束后须紧跟逗号或换行` };
        }
        continue;
      }
      cell += ch; // line breaks included: the record stays one row
      i += 1;
      continue;
    }
    if (ch === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
      i += 1;
    } else if (ch === ',') {
      endCell();
      i += 1;
    } else if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      cell += ch;
      i += 1;
    }
  }
  if (quoted) {
    return { error: `第 ${row} 行：引号没有闭合` };
  }
  if (cell !== '' || cells.length > 0) {
    endRecord();
  }
  return { rows };
}

function isBlank(cells: string[]): boolean {
  return cells.every((cell) => cell.trim() === '');
}
