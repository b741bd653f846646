import ExcelJS from 'exceljs';
import type { FastifyReply } from 'fastify';
import { PassThrough } from 'node:stream';
import type { DataSource, QueryRunner } from 'typeorm';
import type { SqlRunner } from '../database/sql-runner.js';
import { asDownload, XLSX_MEDIA_TYPE } from '../common/http/download.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by streamExcel: the file, its sheet, rows written, and whether it was finished. */
    excelExport?: { fileName: string; sheetName: string; rows: number; complete: boolean };
  }
}

/** `percent`: a fraction (0.25) shown as 25.0%. */
export type ExcelCellKind = 'text' | 'number' | 'percent' | 'date' | 'datetime';

export interface ExcelColumn<T> {
  header: string;
  width: number;
  kind?: ExcelCellKind;
  /** A number column's format, e.g. '0.00' (none: General). */
  numFmt?: string;
  /** Wrap the text within the column's width (default: text columns 30 or more wide). */
  wrap?: boolean;
  value: (row: T) => string | number | Date | null | undefined;
  /** A per-cell background colour (#rrggbb), e.g. a band's, and its text colour; or none. */
  fill?: (row: T) => ExcelFill | undefined;
}

/** A cell's background (#rrggbb) and whether its text is light (white) or dark. */
export interface ExcelFill {
  color: string;
  ink?: 'dark' | 'light';
}

/** One filter of the exported list as the title block names it: 单位 → 万州区. */
export interface ExcelFilter {
  label: string;
  value: string | undefined | null;
}

/** What the rows above the header say: the list's name, its filters and when it was exported. */
export interface ExcelTitle {
  /** The list's name (default: the sheet's name). */
  title?: string;
  /** Filters in use; entries without a value are left out. */
  filters?: ExcelFilter[];
  /** When the file was made (default: now), written in China time. */
  exportedAt?: Date;
}

/** Characters that make a spreadsheet treat text as a formula (ASVS 1.2.10), full-width ones too. */
const FORMULA_START = /^[=+\-@\t\r＝＋－＠]/;

/** Text as a cell: a leading formula character is neutralised with a single quote. */
export function safeCellText(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

const CST_OFFSET_MS = 8 * 3600 * 1000;

/**
 * Excel dates have no zone; a reader expects the China wall-clock time, so the instant is shifted
 * to China time and written as if it were UTC (exceljs writes UTC fields).
 */
function excelDate(value: Date): Date {
  return new Date(value.getTime() + CST_OFFSET_MS);
}

function cellValue<T>(column: ExcelColumn<T>, row: T): string | number | Date | null {
  const value = column.value(row);
  if (value === null || value === undefined || value === '') {
    return null;
  }
  switch (column.kind ?? 'text') {
    case 'number':
    case 'percent': {
      const number = typeof value === 'number' ? value : Number(value);
      return Number.isFinite(number) ? number : safeCellText(String(value));
    }
    case 'date':
    case 'datetime':
      return value instanceof Date ? excelDate(value) : safeCellText(String(value));
    case 'text':
      return safeCellText(value instanceof Date ? value.toISOString() : String(value));
  }
}

/** A column's cell style: its number format (dates, percentages, decimals) and wrapping. */
function columnStyle<T>(column: ExcelColumn<T>): Partial<ExcelJS.Style> {
  const wrap = column.wrap ?? ((column.kind ?? 'text') === 'text' && column.width >= 30);
  const style: Partial<ExcelJS.Style> = wrap
    ? { alignment: { wrapText: true, vertical: 'top' } }
    : {};
  switch (column.kind) {
    case 'date':
      return { ...style, numFmt: 'yyyy-mm-dd' };
    case 'datetime':
      return { ...style, numFmt: 'yyyy-mm-dd hh:mm' };
    case 'percent':
      return { ...style, numFmt: column.numFmt ?? '0.0%' };
    case 'number':
      return column.numFmt ? { ...style, numFmt: column.numFmt } : style;
    case 'text':
    case undefined:
      return style;
  }
}

/** The column's style with a solid background; one object per colour (exceljs reuses it). */
function filledStyle(
  base: Partial<ExcelJS.Style>,
  fill: ExcelFill,
  cache: Map<string, Partial<ExcelJS.Style>>,
): Partial<ExcelJS.Style> {
  const key = `${fill.color}/${fill.ink ?? 'dark'}`;
  let style = cache.get(key);
  if (!style) {
    const valid = /^#[0-9a-fA-F]{6}$/.test(fill.color);
    style = valid
      ? {
          ...base,
          fill: {
            type: 'pattern',
            pattern: 'solid',
            fgColor: { argb: `FF${fill.color.slice(1).toUpperCase()}` },
          },
          font: { color: { argb: fill.ink === 'light' ? 'FFFFFFFF' : 'FF111111' } },
        }
      : base;
    cache.set(key, style);
  }
  return style;
}

/** 2026-12-07 12:30 in China time. */
function chinaDateTime(instant: Date): string {
  return new Date(instant.getTime() + CST_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** A date filter as one value: 2026-01-01 至 2026-03-31, 2026-02 (one month), 2026-01-01 起, 至 2026-03-31. */
export function dateRangeLabel(from?: string, to?: string): string | undefined {
  if (from && to) {
    return from === to ? from : `${from} 至 ${to}`;
  }
  return from ? `${from} 起` : to ? `至 ${to}` : undefined;
}

/**
 * The lines above the header: the name, 筛选条件 with the labels chosen (全部 when none; no line
 * when the caller passes no filters), 导出时间 in China time.
 */
export function titleLines(sheetName: string, title: ExcelTitle = {}): string[] {
  const lines = [title.title ?? sheetName];
  if (title.filters) {
    const chosen = title.filters.filter(
      (filter) => filter.value !== undefined && filter.value !== null && filter.value !== '',
    );
    lines.push(
      `筛选条件：${chosen.length ? chosen.map((f) => `${f.label}：${f.value}`).join('；') : '全部'}`,
    );
  }
  lines.push(`导出时间：${chinaDateTime(title.exportedAt ?? new Date())}（北京时间）`);
  return lines;
}

/** How many rows are written between two yields to the event loop (about 20 ms of work). */
const ROWS_PER_YIELD = 250;

interface WritableState {
  _writableState?: { length: number; needDrain: boolean };
  once(event: 'drain', listener: () => void): unknown;
  removeListener(event: 'drain', listener: () => void): unknown;
}

/**
 * exceljs writes a sheet's rows into the zip without waiting for the deflate behind it, so rows
 * produced faster than they are compressed (or than the client reads) pile up in memory. This
 * finds that buffer: the stream the sheet's StreamBuf pipes into (exceljs 4.4 / archiver 5).
 */
function zipBacklog(sheet: unknown): WritableState | undefined {
  const pipes = (sheet as { stream?: { pipes?: unknown[] } }).stream?.pipes;
  const target = pipes?.[0] as WritableState | undefined;
  return target?._writableState ? target : undefined;
}

/** Yields to the event loop, then waits while the zip is behind; throws once the client is gone. */
async function caughtUp(backlog: WritableState | undefined, reply: FastifyReply): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  while (backlog?._writableState?.needDrain && !reply.raw.destroyed) {
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        backlog.removeListener('drain', done);
        resolve();
      };
      const timer = setTimeout(done, 250);
      backlog.once('drain', done);
    });
  }
  if (reply.raw.destroyed) {
    throw new Error('The client closed the connection during the export');
  }
}

/**
 * Streams an .xlsx to the client with exceljs's WorkbookWriter: rows are committed as they come
 * (from an async iterable of batches, e.g. a cursor over a query), so memory stays flat; the next
 * batch is already being read while one is written; every 250 rows the writer yields to the event
 * loop, so one big export never stalls other requests, and waits for the compression to catch up,
 * so memory stays flat whatever the number of rows and however slowly the client reads.
 */
export async function streamExcel<T>(
  reply: FastifyReply,
  fileName: string,
  sheetName: string,
  columns: ExcelColumn<T>[],
  batches: AsyncIterable<T[]> | Iterable<T[]>,
  title: ExcelTitle = {},
): Promise<void> {
  const stream = new PassThrough();
  // What the audit log records once the answer is complete (configure-app.ts, onResponse).
  const exported = { fileName, sheetName, rows: 0, complete: false };
  reply.request.excelExport = exported;
  asDownload(reply, { type: XLSX_MEDIA_TYPE, fallback: 'export.xlsx', name: fileName }).header(
    'Cache-Control',
    'no-store',
  );
  const sent = reply.send(stream);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream,
    useStyles: true,
    useSharedStrings: false,
  });
  // Title block (name, filters, time), then the header: frozen, filterable, printed on every page.
  const lines = titleLines(sheetName, title);
  const headerRow = lines.length + 1;
  const lastColumn = columnLetter(Math.max(columns.length, 1));
  const sheet = workbook.addWorksheet(sheetName, {
    views: [{ state: 'frozen', ySplit: headerRow }],
    pageSetup: {
      orientation: 'landscape',
      paperSize: 9, // A4
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: `${headerRow}:${headerRow}`,
      margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.3, footer: 0.3 },
    },
  });
  sheet.autoFilter = `A${headerRow}:${lastColumn}${headerRow}`;
  const styles = columns.map((column) => columnStyle(column));
  const fills = columns.map(() => new Map<string, Partial<ExcelJS.Style>>());
  sheet.columns = columns.map((column, index) => ({
    key: String(index),
    width: column.width,
    style: styles[index],
  }));
  lines.forEach((line, index) => {
    const row = sheet.getRow(index + 1);
    const cell = row.getCell(1);
    cell.value = safeCellText(line);
    cell.style =
      index === 0
        ? { font: { bold: true, size: 14 }, alignment: { vertical: 'middle' } }
        : { font: { color: { argb: 'FF555555' } }, alignment: { wrapText: true } };
    if (index === 0) {
      row.height = 24;
    }
    if (columns.length > 1) {
      sheet.mergeCells(index + 1, 1, index + 1, columns.length);
    }
    row.commit();
  });
  const header = sheet.getRow(headerRow);
  columns.forEach((column, index) => {
    const cell = header.getCell(index + 1);
    cell.value = column.header;
    cell.style = {
      font: { bold: true },
      fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } },
      alignment: { wrapText: true, vertical: 'middle' },
    };
  });
  header.commit();
  let written = 0;
  let backlog: WritableState | undefined;
  const iterator = asyncIterator(batches);
  let next = iterator.next();
  try {
    for (;;) {
      const result = await next;
      if (result.done) {
        break;
      }
      const batch = result.value;
      // Ask for the next batch now: the database reads it while this one is written.
      next = iterator.next();
      next.catch(() => undefined);
      for (const row of batch) {
        const sheetRow = sheet.addRow(columns.map((column) => cellValue(column, row)));
        // Every cell of a column shares one style object: exceljs recognises an object it has
        // seen and skips re-resolving the style (about a tenth of the export's CPU otherwise).
        for (let index = 0; index < styles.length; index += 1) {
          const fill = columns[index].fill?.(row);
          sheetRow.getCell(index + 1).style = fill
            ? filledStyle(styles[index], fill, fills[index])
            : styles[index];
        }
        sheetRow.commit();
        written += 1;
        exported.rows = written;
        if (written % ROWS_PER_YIELD === 0) {
          backlog ??= zipBacklog(sheet);
          await caughtUp(backlog, reply);
        }
      }
    }
    sheet.commit();
    await workbook.commit();
    exported.complete = true;
  } catch (error) {
    await next.catch(() => undefined);
    await iterator.return?.();
    stream.destroy(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
  await sent;
}

/** A, B, …, Z, AA, … for a 1-based column number. */
function columnLetter(column: number): string {
  let letters = '';
  for (let rest = column; rest > 0; rest = Math.floor((rest - 1) / 26)) {
    letters = String.fromCharCode(65 + ((rest - 1) % 26)) + letters;
  }
  return letters;
}

function asyncIterator<T>(batches: AsyncIterable<T> | Iterable<T>): AsyncIterator<T, unknown> {
  if (Symbol.asyncIterator in batches) {
    return batches[Symbol.asyncIterator]();
  }
  const sync = batches[Symbol.iterator]();
  return {
    next: () => Promise.resolve(sync.next()),
    return: () => Promise.resolve(sync.return?.() ?? { done: true, value: undefined }),
  };
}

/** How many rows each page of a paged ledger export reads. */
export const LEDGER_EXPORT_PAGE_SIZE = 1000;

/** One page of a ledger's own query, run on the connection it is given. */
export type LedgerPageReader<T> = (
  page: number,
  pageSize: number,
  db: SqlRunner,
) => Promise<{ rows: T[] }>;

/** A ledger's download: its name, the China date for the file name, columns and filters. */
export interface ExcelLedger<T> {
  label: string;
  today: string;
  columns: ExcelColumn<T>[];
  filters?: ExcelFilter[];
}

/**
 * A ledger's Excel download (批量下载): `<label>-<today>.xlsx`, one sheet named `label`, read page
 * by page through the ledger's own query, so it holds what the page's filters and visibility hold,
 * and all pages from one snapshot (snapshotPages).
 */
export function streamLedgerExcel<T>(
  reply: FastifyReply,
  dataSource: DataSource,
  ledger: ExcelLedger<T>,
  readPage: LedgerPageReader<T>,
): Promise<void> {
  return streamExcel(
    reply,
    `${ledger.label}-${ledger.today}.xlsx`,
    ledger.label,
    ledger.columns,
    snapshotPages(
      dataSource,
      (page, db) => readPage(page, LEDGER_EXPORT_PAGE_SIZE, db).then((result) => result.rows),
      LEDGER_EXPORT_PAGE_SIZE,
    ),
    { filters: ledger.filters },
  );
}

/**
 * Pages of rows by offset until a short page, every page read in one REPEATABLE READ, read-only
 * transaction: a record approved or filed while the export runs cannot shift the offsets and show
 * a row twice or drop one; the file is the ledger as it was when the export began. Holds one
 * pooled connection while it runs; the consumer stopping early ends the transaction.
 */
export function snapshotPages<T>(
  dataSource: DataSource,
  readPage: (page: number, db: SqlRunner) => Promise<T[]>,
  pageSize: number,
): AsyncIterable<T[]> {
  return inReadOnlyTransaction(
    dataSource,
    'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    async function* (runner) {
      for (let page = 1; ; page += 1) {
        const rows = await readPage(page, runner.manager);
        if (rows.length > 0) {
          yield rows;
        }
        if (rows.length < pageSize) {
          return;
        }
      }
    },
  );
}

/** How many rows an export reads from its cursor at a time. */
export const EXPORT_BATCH_SIZE = 1000;

/**
 * Reads a whole ledger query (no LIMIT/OFFSET) through a server-side cursor, `batchSize` rows at a
 * time: one sort and one snapshot for the entire export however long it is, instead of an OFFSET
 * page query that re-reads and re-sorts everything before it. Holds one pooled connection (in a
 * read-only transaction) while the export runs; the consumer stopping early closes it.
 */
export function cursorBatches<T>(
  dataSource: DataSource,
  sql: string,
  params: unknown[],
  batchSize = EXPORT_BATCH_SIZE,
): AsyncIterable<T[]> {
  return inReadOnlyTransaction(dataSource, 'BEGIN READ ONLY', async function* (runner) {
    await runner.query(`DECLARE export_rows NO SCROLL CURSOR FOR ${sql}`, params);
    for (;;) {
      const rows = (await runner.query(`FETCH FORWARD ${batchSize} FROM export_rows`)) as T[];
      if (rows.length > 0) {
        yield rows;
      }
      if (rows.length < batchSize) {
        return;
      }
    }
  });
}

/**
 * Runs `read` on one pooled connection inside a read-only transaction opened by `begin`; ending it
 * with ROLLBACK (it wrote nothing) closes any cursor whether the reader finished or stopped early.
 */
async function* inReadOnlyTransaction<T>(
  dataSource: DataSource,
  begin: string,
  read: (runner: QueryRunner) => AsyncIterable<T>,
): AsyncIterable<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query(begin);
    yield* read(runner);
  } finally {
    await runner.query('ROLLBACK').catch(() => undefined);
    await runner.release();
  }
}
