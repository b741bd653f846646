import ExcelJS from 'exceljs';
import type { Response } from 'supertest';

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
  /** Row by row, cell values as exceljs reads them (strings, numbers, Dates, null). */
  rows: unknown[][];
  /** The number format of each cell of `rows` (null for none), e.g. 'yyyy-mm-dd' on date cells. */
  numberFormats: (string | null)[][];
  /** True when any cell holds a formula. */
  hasFormula: boolean;
  frozenRows: number;
}

/** Reads the first sheet of an xlsx file. */
export async function readSheet(content: Buffer): Promise<SheetContent> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(content as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  const rows: unknown[][] = [];
  const numberFormats: (string | null)[][] = [];
  let hasFormula = false;
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const values: unknown[] = [];
    const formats: (string | null)[] = [];
    for (let column = 1; column <= sheet.columnCount; column += 1) {
      const cell = row.getCell(column);
      if (cell.type === ExcelJS.ValueType.Formula) {
        hasFormula = true;
      }
      values.push(cell.value ?? null);
      formats.push(cell.numFmt ?? null);
    }
    rows.push(values);
    numberFormats.push(formats);
  });
  const view = sheet.views[0] as { ySplit?: number } | undefined;
  return { name: sheet.name, rows, numberFormats, hasFormula, frozenRows: view?.ySplit ?? 0 };
}
