import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { WORKFLOW_STATE_LABELS, type WorkflowState } from '../src/workflow/workflow-chain.js';
import type { CapturedQuery } from './app-probe.js';

export interface ExcelBaselineResult {
  rows: number;
  ms: number;
  rowsPerSecond: number;
  /** Peak resident memory while writing, above the memory before (rows already loaded). */
  rssGrowthMb: number;
  bytes: number;
  /** The same writer with one style object per column shared by its cells (as the app does). */
  sharedStyles?: ExcelBaselineResult;
}

type Cell = string | number | Date | null;

/** The demand ledger's columns as the export writes them (src/demands/demands.controller.ts). */
const COLUMNS: { width: number; numFmt?: string }[] = [
  { width: 36 },
  { width: 16 },
  { width: 18 },
  { width: 16 },
  { width: 16 },
  { width: 60 },
  { width: 10 },
  { width: 8 },
  { width: 18, numFmt: 'yyyy-mm-dd hh:mm' },
  { width: 18, numFmt: 'yyyy-mm-dd hh:mm' },
];

export function sampleRss(intervalMs: number): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss);
    },
  };
}

/**
 * The limit for the Excel export: exceljs's streaming WorkbookWriter writing the same rows, already
 * in memory, into a stream that discards the bytes — no database paging, no HTTP. `shareStyles`
 * gives every cell of a column the same style object, which exceljs then resolves once.
 */
export async function writeRowsFromMemory(
  rows: Cell[][],
  options: { shareStyles?: boolean } = {},
): Promise<ExcelBaselineResult> {
  let bytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      callback();
    },
  });
  const before = process.memoryUsage().rss;
  const sampler = sampleRss(20);
  const started = performance.now();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: sink,
    useStyles: true,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet('台账', { views: [{ state: 'frozen', ySplit: 1 }] });
  const styles = COLUMNS.map((column) => (column.numFmt ? { numFmt: column.numFmt } : {}));
  sheet.columns = COLUMNS.map((column, index) => ({
    key: String(index),
    width: column.width,
    style: styles[index],
  }));
  sheet.getRow(1).values = COLUMNS.map((_column, index) => `列${index + 1}`);
  sheet.getRow(1).commit();
  for (const row of rows) {
    const sheetRow = sheet.addRow(row);
    if (options.shareStyles) {
      for (let index = 0; index < styles.length; index += 1) {
        sheetRow.getCell(index + 1).style = styles[index];
      }
    }
    sheetRow.commit();
  }
  sheet.commit();
  await workbook.commit();
  const ms = performance.now() - started;
  const peak = sampler.stop();
  return {
    rows: rows.length,
    ms,
    rowsPerSecond: rows.length / (ms / 1000),
    rssGrowthMb: (peak - before) / 1024 / 1024,
    bytes,
  };
}

const CST_OFFSET_MS = 8 * 3600 * 1000;

/** Loads the ledger rows with the app's own query and turns them into the export's cells. */
export async function loadLedgerCells(
  databaseUrl: string,
  query: CapturedQuery,
): Promise<Cell[][]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{
      title: string;
      unit_name: string;
      channel: string;
      domain: string;
      track: string | null;
      description: string;
      state: WorkflowState;
      revision: number;
      updated_at: Date;
      approved_at: Date | null;
    }>(query.sql, query.params);
    const shifted = (date: Date | null) => (date ? new Date(date.getTime() + CST_OFFSET_MS) : null);
    return rows.map((row) => [
      row.title,
      row.unit_name,
      row.channel,
      row.domain,
      row.track,
      row.description,
      WORKFLOW_STATE_LABELS[row.state],
      row.revision,
      shifted(row.updated_at),
      shifted(row.approved_at),
    ]);
  } finally {
    await client.end();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const input = JSON.parse(readFileSync(process.argv[2], 'utf8')) as {
    databaseUrl: string;
    query: CapturedQuery;
  };
  loadLedgerCells(input.databaseUrl, input.query)
    .then(async (cells) => {
      const plain = await writeRowsFromMemory(cells);
      return { ...plain, sharedStyles: await writeRowsFromMemory(cells, { shareStyles: true }) };
    })
    .then(
      (result) => console.log(JSON.stringify(result)),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
}
