import ExcelJS from 'exceljs';
import { addChoices, addDropdown, columnCells } from '../exports/template-validation.js';
import { parseChinaDate } from '../common/time/china-time.js';
import {
  WORKBOOK_TOO_LARGE_MESSAGE,
  workbookArchiveProblem,
} from '../common/files/workbook-archive.js';
import {
  CONTROL_CHARACTER_MESSAGE,
  hasControlCharacters,
} from '../common/forms/form-validation.js';

/** Columns of the demand-list import template, in order. */
export const IMPORT_COLUMNS = [
  { key: 'title', header: '标题（必填）', width: 40 },
  { key: 'description', header: '描述', width: 60 },
  { key: 'domain', header: '领域', width: 18 },
  { key: 'units', header: '承办单位（必填，多个用顿号“、”分隔）', width: 40 },
  { key: 'deadline', header: '反馈时限（必填，格式 2026-06-30）', width: 22 },
] as const;

export const IMPORT_SHEET = '需求清单';
export const MAX_IMPORT_ROWS = 1000;

export interface ImportLookups {
  /** Active district and department names → unit id. */
  unitIdsByName: Map<string, number>;
  /** Active domain labels → dictionary id. */
  domainIdsByLabel: Map<string, number>;
}

export interface ImportedItem {
  row: number;
  title: string;
  description: string;
  domainId?: number;
  unitIds: number[];
  deadline: string;
}

export interface ImportError {
  row: number;
  column: string;
  message: string;
}

type CellValue = ExcelJS.CellValue;

function isFormula(value: CellValue): boolean {
  return (
    typeof value === 'object' && value !== null && ('formula' in value || 'sharedFormula' in value)
  );
}

/** A cell as plain text: rich text joined, dates as YYYY-MM-DD in China time. */
function cellText(value: CellValue): string {
  if (value === null || value === undefined) {
    return '';
  }
  if (value instanceof Date) {
    // Excel dates carry no zone: exceljs reads them as UTC midnight of the typed day.
    return value.toISOString().slice(0, 10);
  }
  if (typeof value === 'object' && 'richText' in value) {
    return value.richText
      .map((part) => part.text)
      .join('')
      .trim();
  }
  if (typeof value === 'object' && 'text' in value) {
    return String(value.text).trim();
  }
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value).trim()
    : '';
}

/**
 * Reads and checks every row of an uploaded demand list. Either every row is valid (items) or
 * nothing is imported and each problem names its row and column (errors).
 */
export async function parseDemandListWorkbook(
  content: Buffer,
  lookups: ImportLookups,
): Promise<{ items: ImportedItem[]; errors: ImportError[] }> {
  const unreadable = {
    items: [],
    errors: [
      { row: 0, column: '', message: '无法读取该文件，请使用下载的模板（.xlsx）填写后上传' },
    ],
  };
  const problem = workbookArchiveProblem(content);
  if (problem === 'too_large') {
    return { items: [], errors: [{ row: 0, column: '', message: WORKBOOK_TOO_LARGE_MESSAGE }] };
  }
  if (problem) {
    return unreadable;
  }
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(content as unknown as ArrayBuffer);
  } catch {
    return unreadable;
  }
  const sheet = workbook.getWorksheet(IMPORT_SHEET) ?? workbook.worksheets[0];
  if (!sheet) {
    return { items: [], errors: [{ row: 0, column: '', message: '文件中没有工作表' }] };
  }
  const headers = IMPORT_COLUMNS.map((_column, index) =>
    cellText(sheet.getRow(1).getCell(index + 1).value),
  );
  if (headers.some((header, index) => header !== IMPORT_COLUMNS[index].header)) {
    return {
      items: [],
      errors: [{ row: 1, column: '', message: '表头与模板不一致，请下载最新模板后重新填写' }],
    };
  }
  const items: ImportedItem[] = [];
  const errors: ImportError[] = [];
  const columnName = (index: number) => IMPORT_COLUMNS[index].header.replace(/（.*$/, '');
  let dataRows = 0;
  for (let rowNumber = 2; rowNumber <= sheet.rowCount; rowNumber += 1) {
    const row = sheet.getRow(rowNumber);
    const values = IMPORT_COLUMNS.map((_column, index) => row.getCell(index + 1).value);
    if (values.every((value) => cellText(value) === '')) {
      continue;
    }
    dataRows += 1;
    if (dataRows > MAX_IMPORT_ROWS) {
      errors.push({ row: rowNumber, column: '', message: `一次最多导入 ${MAX_IMPORT_ROWS} 行` });
      break;
    }
    const fail = (index: number, message: string) =>
      errors.push({ row: rowNumber, column: columnName(index), message });
    values.forEach((value, index) => {
      if (isFormula(value)) {
        fail(index, '不支持公式，请填写具体内容');
      } else if (row.getCell(index + 1).isMerged) {
        // A merged cell repeats one value in every row it covers: never taken silently.
        fail(index, '不支持合并单元格，请拆分后逐行填写');
      } else if (hasControlCharacters(cellText(value))) {
        fail(index, CONTROL_CHARACTER_MESSAGE);
      }
    });
    const [titleValue, descriptionValue, domainValue, unitsValue, deadlineValue] = values.map(
      (value) => (isFormula(value) ? '' : cellText(value)),
    );
    if (titleValue === '') {
      fail(0, '标题不能为空');
    } else if (titleValue.length > 200) {
      fail(0, '标题不能超过 200 字');
    }
    if (descriptionValue.length > 5000) {
      fail(1, '描述不能超过 5000 字');
    }
    let domainId: number | undefined;
    if (domainValue !== '') {
      domainId = lookups.domainIdsByLabel.get(domainValue);
      if (domainId === undefined) {
        fail(2, `没有名为“${domainValue.slice(0, 30)}”的领域`);
      }
    }
    const unitNames = unitsValue.split(/[、,，;；\s]+/).filter((name) => name !== '');
    const unitIds: number[] = [];
    if (unitNames.length === 0) {
      fail(3, '请填写承办单位');
    }
    for (const name of unitNames) {
      const id = lookups.unitIdsByName.get(name);
      if (id === undefined) {
        fail(3, `没有名为“${name.slice(0, 30)}”的单位`);
      } else if (!unitIds.includes(id)) {
        unitIds.push(id);
      }
    }
    const deadline = parseChinaDate(deadlineValue);
    if (!deadline) {
      fail(4, '反馈时限须为有效日期，格式如 2026-06-30');
    }
    items.push({
      row: rowNumber,
      title: titleValue,
      description: descriptionValue,
      domainId,
      unitIds,
      deadline: deadline ?? '',
    });
  }
  if (dataRows === 0 && errors.length === 0) {
    errors.push({ row: 2, column: '', message: '模板中没有填写任何任务' });
  }
  return { items: errors.length === 0 ? items : [], errors };
}

/** The template: the sheet to fill and an instructions sheet listing valid units and domains. */
export async function buildImportTemplate(
  unitNames: string[],
  domainLabels: string[],
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(IMPORT_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = IMPORT_COLUMNS.map((column) => ({
    header: column.header,
    key: column.key,
    width: column.width,
  }));
  sheet.getRow(1).font = { bold: true };
  sheet.addRow({
    title: '（示例，导入前请删除本行）推进科技人才评价改革',
    description: '按照创新活动类型构建科技人才评价体系',
    domain: domainLabels[0] ?? '',
    units: unitNames.slice(0, 2).join('、'),
    deadline: '2026-06-30',
  });
  const help = workbook.addWorksheet('填写说明');
  help.columns = [{ width: 30 }, { width: 80 }];
  const lines: [string, string][] = [
    ['标题', '必填，不超过 200 字，要有改革味。'],
    ['描述', '选填，不超过 5000 字。'],
    ['领域', '选填，须为下方“可选领域”中的名称。'],
    [
      '承办单位',
      '必填，须为下方“可选单位”中的全称，多个单位用顿号“、”分隔；每个承办单位各生成一项任务。',
    ],
    [
      '反馈时限',
      '必填，日期格式 2026-06-30，首次反馈须在此日期前完成，之后每季度更新一次直至“已完成”。',
    ],
    ['注意', '任意一行有误则整份文件都不导入，系统会返回标注了错误的文件；不支持公式。'],
  ];
  help.addRows(lines);
  help.addRow([]);
  help.addRow(['可选领域', domainLabels.join('、')]);
  help.addRow(['可选单位', unitNames.join('、')]);
  help.getColumn(2).alignment = { wrapText: true, vertical: 'top' };
  // Dropdowns (choices listed on 填写说明): 领域 one of the list; 承办单位 suggested (several may be
  // joined with 、, so another value only warns).
  const [domains, units] = addChoices(help, [
    { header: '可选领域', values: domainLabels },
    { header: '可选单位', values: unitNames },
  ]);
  const column = (key: string) => IMPORT_COLUMNS.findIndex((c) => c.key === key) + 1;
  addDropdown(sheet, columnCells(sheet, column('domain')), domains, {
    title: '领域',
    text: '请从下拉列表中选择领域',
    strict: true,
  });
  addDropdown(sheet, columnCells(sheet, column('units')), units, {
    title: '承办单位',
    text: '从下拉列表选择；多个单位用顿号“、”分隔（出现提示时选“是”）',
    strict: false,
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The uploaded file with the problems written beside the rows and the bad rows marked red. */
export async function annotateErrors(content: Buffer, errors: ImportError[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(content as unknown as ArrayBuffer);
  const sheet = workbook.getWorksheet(IMPORT_SHEET) ?? workbook.worksheets[0];
  const noteColumn = IMPORT_COLUMNS.length + 1;
  sheet.getRow(1).getCell(noteColumn).value = '错误说明';
  sheet.getColumn(noteColumn).width = 60;
  const byRow = new Map<number, string[]>();
  for (const error of errors) {
    byRow.set(error.row, [
      ...(byRow.get(error.row) ?? []),
      error.column ? `【${error.column}】${error.message}` : error.message,
    ]);
  }
  for (const [rowNumber, messages] of byRow) {
    if (rowNumber < 1) {
      continue;
    }
    const cell = sheet.getRow(rowNumber).getCell(noteColumn);
    cell.value = messages.join('；');
    cell.font = { color: { argb: 'FFB71C1C' }, bold: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFDECEA' } };
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
