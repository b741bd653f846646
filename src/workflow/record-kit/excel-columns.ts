import { startOfChinaDate } from '../../common/time/china-time.js';
import type { ExcelColumn } from '../../exports/excel-export.js';

/** A ledger export's calendar-date column: the cell holds the date (YYYY-MM-DD) as China reads it. */
export function dateColumn<T>(
  header: string,
  width: number,
  date: (row: T) => string,
): ExcelColumn<T> {
  return { header, width, kind: 'date', value: (row) => startOfChinaDate(date(row)) };
}
