/**
 * What-if input (指标测算) as CSV: header `unit` (or 单位) followed by indicator and deduction
 * codes (or the indicators' names), one row per unit, decimal values (deduction columns: event
 * counts; a rate with nothing due: 0/0, scored by the system's 0/0 rule). Pure, so the command line and
 * the what-if page share it.
 */
import type { UnitInput } from './efficacy.js';
import { nothingDueRuleOf } from './indicator-catalogue.js';
import { Fraction } from './fraction.js';
import { UNIT_COLUMN } from './indicator-system.js';
import type { IndicatorSystemDefinition } from './indicator-system.js';

export interface ScoreCsvResult {
  /** Units in file order; empty when there are errors. */
  units: UnitInput[];
  /** Chinese messages naming the row (header = row 1) and column. */
  errors: string[];
}

/** Chinese headings accepted for the first column besides `unit`. */
const UNIT_HEADINGS = ['单位', '单位名称', '区县', '项目'];

/** A rate cell of nothing due: 0/0, optionally followed by a note (0/0（无应考核事项）). */
const NOTHING_DUE_CELL = /^0\s*\/\s*0(?:\s*[（(].*[）)])?$/;

/** Longest value text accepted, so a pasted blob cannot turn into a huge bigint. */
const MAX_VALUE_LENGTH = 30;

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
  const headings = header.cells.map((cell) => cell.trim());
  const byCode = new Map(system.indicators.map((indicator) => [indicator.code, indicator]));
  // A heading may be the indicator's code or, as a spreadsheet made by hand would have it, its name.
  const codeByName = new Map(
    system.indicators.map((indicator) => [indicator.name, indicator.code]),
  );
  const columns = headings.map((heading, index) =>
    index === 0 ? heading : byCode.has(heading) ? heading : (codeByName.get(heading) ?? heading),
  );
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
    if (cells.length > columns.length && cells.slice(columns.length).some((c) => c.trim() !== '')) {
      errors.push(`第 ${row} 行：有 ${cells.length} 列，多于表头的 ${columns.length} 列`);
      continue;
    }
    const unit = (cells[0] ?? '').trim();
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
      const cell = (cells[i + 1] ?? '').trim();
      const where = `第 ${row} 行「${headings[i + 1]}」列：`;
      // A rate with nothing due is written 0/0 (as reports print it): scored by the 0/0 rule.
      if (NOTHING_DUE_CELL.test(cell) && nothingDueRuleOf(system.kind, byCode.get(code)!)) {
        values[code] = Fraction.ONE;
        nothingDue.push(code);
        return;
      }
      const isDeduction = byCode.get(code)?.method.kind === 'deduction';
      const value = cell.length <= MAX_VALUE_LENGTH ? Fraction.tryParse(cell) : null;
      if (cell === '') {
        errors.push(`${where}值为空${isDeduction ? '（没有事件填 0）' : ''}`);
      } else if (value === null) {
        errors.push(`${where}“${cell.slice(0, MAX_VALUE_LENGTH)}”不是数字`);
      } else if (isDeduction && (!value.isInteger() || value.isNegative())) {
        errors.push(`${where}“${cell}”须为事件次数（非负整数）`);
      } else {
        values[code] = value;
      }
    });
    units.push(nothingDue.length > 0 ? { unit, values, nothingDue } : { unit, values });
  }
  return errors.length > 0 ? { units: [], errors } : { units, errors };
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
