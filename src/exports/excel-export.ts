import ExcelJS from 'exceljs';
import type { FastifyReply } from 'fastify';
import { PassThrough } from 'node:stream';
import type { DataSource, QueryRunner } from 'typeorm';
import type { SqlRunner } from '../database/sql-runner.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by streamExcel: the file, its sheet, rows written, and whether it was finished. */
    excelExport?: { fileName: string; sheetName: string; rows: number; complete: boolean };
  }
}

export type ExcelCellKind = 'text' | 'number' | 'date' | 'datetime';

export interface ExcelColumn<T> {
  header: string;
  width: number;
  kind?: ExcelCellKind;
  value: (row: T) => string | number | Date | null | undefined;
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
      return typeof value === 'number' ? value : Number(value);
    case 'date':
    case 'datetime':
      return value instanceof Date ? excelDate(value) : safeCellText(String(value));
    case 'text':
      return safeCellText(value instanceof Date ? value.toISOString() : String(value));
  }
}

/** A column's cell style: a number format for dates, none otherwise. */
function columnStyle(kind: ExcelCellKind | undefined): Partial<ExcelJS.Style> {
  switch (kind) {
    case 'date':
      return { numFmt: 'yyyy-mm-dd' };
    case 'datetime':
      return { numFmt: 'yyyy-mm-dd hh:mm' };
    case 'number':
    case 'text':
    case undefined:
      return {};
  }
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
): Promise<void> {
  const stream = new PassThrough();
  // What the audit log records once the answer is complete (configure-app.ts, onResponse).
  const exported = { fileName, sheetName, rows: 0, complete: false };
  reply.request.excelExport = exported;
  reply
    .header('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    .header(
      'Content-Disposition',
      `attachment; filename="export.xlsx"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
    )
    .header('Cache-Control', 'no-store');
  const sent = reply.send(stream);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream,
    useStyles: true,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  const styles = columns.map((column) => columnStyle(column.kind));
  sheet.columns = columns.map((column, index) => ({
    key: String(index),
    width: column.width,
    style: styles[index],
  }));
  const header = sheet.getRow(1);
  columns.forEach((column, index) => {
    header.getCell(index + 1).value = column.header;
  });
  header.font = { bold: true };
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };
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
          sheetRow.getCell(index + 1).style = styles[index];
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

/**
 * A ledger's Excel download (批量下载): `<label>-<today>.xlsx`, one sheet named `label`, read page
 * by page through the ledger's own query, so it holds what the page's filters and visibility hold,
 * and all pages from one snapshot (snapshotPages).
 */
export function streamLedgerExcel<T>(
  reply: FastifyReply,
  dataSource: DataSource,
  ledger: { label: string; today: string; columns: ExcelColumn<T>[] },
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
