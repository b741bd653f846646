import ExcelJS from 'exceljs';
import type { Response } from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';

/** supertest parser for binary bodies (xlsx, pdf): `.buffer(true).parse(binaryParser)`. */
export function binaryParser(
  response: Response,
  callback: (error: Error | null, body: Buffer) => void,
): void {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('end', () => callback(null, Buffer.concat(chunks)));
}

export interface SheetContent {
  name: string;
  /**
   * From the header row on (row 0 is the header), cell values as exceljs reads them (strings,
   * numbers, Dates, null): the title block above the header is in `title`.
   */
  rows: unknown[][];
  /** The number format of each cell of `rows` (null for none), e.g. 'yyyy-mm-dd' on date cells. */
  numberFormats: (string | null)[][];
  /** The solid fill colour (ARGB, e.g. 'FF9C1C24') of each cell of `rows`, null for none. */
  fills: (string | null)[][];
  /** True when any cell holds a formula. */
  hasFormula: boolean;
  /** Rows frozen from the header row on (1: the header stays in view). */
  frozenRows: number;
  /** The lines above the header (ledger name, 筛选条件, 导出时间), first cell of each. */
  title: string[];
  /** The worksheet's 1-based number of the header row. */
  headerRow: number;
  autoFilter: unknown;
  pageSetup: Partial<ExcelJS.PageSetup>;
  /** The 0-based columns whose first data row wraps its text. */
  wrappedColumns: number[];
}

/**
 * The header row of an export: the row the autofilter is on, else the last frozen row, else 1
 * (exports put their title block above it).
 */
function headerRowOf(sheet: ExcelJS.Worksheet): number {
  const filter = sheet.autoFilter as string | { from: string } | undefined;
  const ref = typeof filter === 'string' ? filter : filter?.from;
  const match = ref ? /\d+/.exec(ref) : null;
  if (match) {
    return Number(match[0]);
  }
  const view = sheet.views[0] as { ySplit?: number } | undefined;
  return view?.ySplit && view.ySplit > 0 ? view.ySplit : 1;
}

/** Reads the first sheet of an xlsx file. */
export async function readSheet(content: Buffer): Promise<SheetContent> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(content as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  const headerRow = headerRowOf(sheet);
  const rows: unknown[][] = [];
  const numberFormats: (string | null)[][] = [];
  const fills: (string | null)[][] = [];
  const title: string[] = [];
  let hasFormula = false;
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const values: unknown[] = [];
    const formats: (string | null)[] = [];
    const colours: (string | null)[] = [];
    for (let column = 1; column <= sheet.columnCount; column += 1) {
      const cell = row.getCell(column);
      if (cell.type === ExcelJS.ValueType.Formula) {
        hasFormula = true;
      }
      values.push(cell.value ?? null);
      formats.push(cell.numFmt ?? null);
      const fill = cell.fill as { pattern?: string; fgColor?: { argb?: string } } | undefined;
      colours.push(fill?.pattern === 'solid' ? (fill.fgColor?.argb ?? null) : null);
    }
    if (rowNumber < headerRow) {
      title.push(typeof values[0] === 'string' ? values[0] : '');
      return;
    }
    rows.push(values);
    numberFormats.push(formats);
    fills.push(colours);
  });
  const view = sheet.views[0] as { ySplit?: number } | undefined;
  const frozen = view?.ySplit ?? 0;
  return {
    name: sheet.name,
    rows,
    numberFormats,
    fills,
    hasFormula,
    frozenRows: frozen > 0 ? frozen - headerRow + 1 : 0,
    title,
    headerRow,
    autoFilter: sheet.autoFilter,
    pageSetup: sheet.pageSetup,
    wrappedColumns: Array.from({ length: sheet.columnCount }, (_, index) => index).filter(
      (index) => sheet.getRow(headerRow + 1).getCell(index + 1).alignment?.wrapText === true,
    ),
  };
}

/** A, B, …, Z, AA, … for a 1-based column number. */
export function columnLetter(column: number): string {
  let letters = '';
  for (let rest = column; rest > 0; rest = Math.floor((rest - 1) / 26)) {
    letters = String.fromCharCode(65 + ((rest - 1) % 26)) + letters;
  }
  return letters;
}

/** The data validation (dropdown, number range) on one cell of a sheet, as exceljs reads it. */
export function validationAt(
  sheet: ExcelJS.Worksheet,
  address: string,
): ExcelJS.DataValidation | undefined {
  return (
    sheet as unknown as {
      dataValidations: { find(address: string): ExcelJS.DataValidation | undefined };
    }
  ).dataValidations.find(address);
}

/** An Excel download of `url` read back (fails unless the answer is 200). */
export async function downloadSheet(agent: TestAgent, url: string): Promise<SheetContent> {
  const response = await agent.get(url).buffer(true).parse(binaryParser);
  if (response.status !== 200) {
    throw new Error(`GET ${url} answered ${response.status}`);
  }
  return readSheet(response.body as Buffer);
}
