import { inflateWithin, readZipEntries } from './zip-archive.js';

/** An uploaded workbook may inflate to this much at most (a 1,000-row list is well under 1 MB). */
export const WORKBOOK_INFLATED_MAX_MB = 50;

export const WORKBOOK_TOO_LARGE_MESSAGE = `文件解压后超过 ${WORKBOOK_INFLATED_MAX_MB} MB，无法导入，请使用下载的模板重新填写`;

/**
 * Why an uploaded .xlsx must not reach exceljs, which inflates every part into memory: 'unreadable'
 * when it is no zip holding a workbook, 'too_large' when it would inflate beyond the limit (a zip
 * bomb, whatever its headers claim); undefined when it may be opened.
 */
export function workbookArchiveProblem(content: Buffer): 'unreadable' | 'too_large' | undefined {
  const entries = readZipEntries(content);
  if (!entries?.some((entry) => entry.name === 'xl/workbook.xml')) {
    return 'unreadable';
  }
  const inflated = inflateWithin(content, entries, WORKBOOK_INFLATED_MAX_MB * 1024 * 1024);
  return inflated.ok ? undefined : inflated.reason;
}
