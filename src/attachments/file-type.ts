import { inflateWithin, readZipEntries } from '../common/files/zip-archive.js';
import { BIDI_CONTROLS } from '../common/forms/transforms.js';
import { PDF_INFLATED_MAX_BYTES, scanPdf } from './pdf-scan.js';

/**
 * What a file really is, from its first bytes (magic numbers), not from its name. Only the kinds
 * the seeds ask for: PDF, JPG, PNG, DOC/DOCX, XLS/XLSX.
 */
export type AllowedFileKind = 'pdf' | 'jpg' | 'png' | 'doc' | 'docx' | 'xls' | 'xlsx';

export const MEDIA_TYPES: Record<AllowedFileKind, string> = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  png: 'image/png',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

const startsWith = (content: Buffer, bytes: number[]): boolean =>
  content.length >= bytes.length && bytes.every((byte, index) => content[index] === byte);

const PDF = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-
const JPG = [0xff, 0xd8, 0xff];
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]; // legacy Office compound file
const ZIP = [0x50, 0x4b, 0x03, 0x04];

const OFFICE_MAIN_PARTS = { docx: 'word/document.xml', xlsx: 'xl/workbook.xml' } as const;

/** A PDF ends with %%EOF (readers look for it in the last 1,024 bytes). */
function endsLikePdf(content: Buffer): boolean {
  return content.subarray(Math.max(0, content.length - 1024)).includes('%%EOF');
}

/** An Office package: a zip whose central directory lists [Content_Types].xml and the main part. */
function officeKind(content: Buffer, extension: string): 'docx' | 'xlsx' | undefined {
  if (extension !== 'docx' && extension !== 'xlsx') {
    return undefined;
  }
  const names = readZipEntries(content)?.map((entry) => entry.name) ?? [];
  return names.includes('[Content_Types].xml') && names.includes(OFFICE_MAIN_PARTS[extension])
    ? extension
    : undefined;
}

/**
 * The file's kind when its content is one we accept and agrees with its extension; undefined
 * otherwise (an .exe renamed .pdf, an image named .docx, a zip that is not an Office document, a
 * `%PDF` header on something that is no PDF, a PNG signature with no image after it).
 */
export function detectFileKind(content: Buffer, fileName: string): AllowedFileKind | undefined {
  const extension = fileName.toLowerCase().split('.').pop() ?? '';
  if (startsWith(content, PDF)) {
    return extension === 'pdf' && endsLikePdf(content) ? 'pdf' : undefined;
  }
  if (startsWith(content, JPG)) {
    return extension === 'jpg' || extension === 'jpeg' ? 'jpg' : undefined;
  }
  if (startsWith(content, PNG)) {
    // The signature is followed by the IHDR chunk (length, type, 13 bytes, CRC).
    const hasHeader = content.length >= 33 && content.toString('latin1', 12, 16) === 'IHDR';
    return extension === 'png' && hasHeader ? 'png' : undefined;
  }
  if (startsWith(content, OLE)) {
    // A compound file has at least its 512-byte header sector.
    return (extension === 'doc' || extension === 'xls') && content.length >= 512
      ? extension
      : undefined;
  }
  if (startsWith(content, ZIP)) {
    return officeKind(content, extension);
  }
  return undefined;
}

/** What an Office package may inflate to (a 20 MB document of photos is about that size). */
const OFFICE_INFLATED_MAX_MB = 100;

/**
 * Why a file of an accepted kind is still refused (Chinese, to follow the file's name), or
 * undefined: a PDF that is encrypted, inflates beyond 20 MB, or carries JavaScript, a launch
 * action, embedded files, rich media, XFA or additional actions however spelled (pdf-scan.ts), an
 * Office package with macros (an .xlsm or .docm
 * renamed), or one that inflates beyond 100 MB (a zip bomb, whatever its headers claim).
 */
export function activeContentProblem(content: Buffer, kind: AllowedFileKind): string | undefined {
  if (kind === 'pdf') {
    const scan = scanPdf(content);
    if (scan.ok) {
      return undefined;
    }
    switch (scan.reason) {
      case 'encrypted':
        return '已加密（设有密码或权限限制），请上传未加密的扫描件或 PDF';
      case 'too_large':
        return `解压后超过 ${PDF_INFLATED_MAX_BYTES / 1024 / 1024} MB，请重新扫描或压缩后上传`;
      case 'active':
        return '含有脚本、嵌入文件或自动运行的操作，请“打印”为普通 PDF 后上传';
    }
  }
  if (kind !== 'docx' && kind !== 'xlsx') {
    return undefined;
  }
  const entries = readZipEntries(content) ?? [];
  if (entries.some((entry) => /(^|\/)vbaProject\.bin$/i.test(entry.name))) {
    return '含有宏，请另存为不含宏的 .docx 或 .xlsx 后上传';
  }
  const inflated = inflateWithin(content, entries, OFFICE_INFLATED_MAX_MB * 1024 * 1024);
  if (!inflated.ok) {
    return inflated.reason === 'too_large'
      ? `解压后超过 ${OFFICE_INFLATED_MAX_MB} MB，请检查文件后重新保存`
      : '已损坏或加密，无法打开，请重新保存后上传';
  }
  return undefined;
}

/**
 * A display name safe to store and send back: no path, no control or bidirectional characters,
 * at most 200 characters with the extension kept.
 */
export function sanitizeFileName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .replace(/[\u0000-\u001f\u007f\u200b-\u200d\ufeff]/g, '')
    .replace(BIDI_CONTROLS, '')
    .replace(/^\.+/, '')
    .trim();
  const name = cleaned === '' ? '附件' : cleaned;
  if (name.length <= 200) {
    return name;
  }
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : '';
  return name.slice(0, 200 - extension.length) + extension;
}
