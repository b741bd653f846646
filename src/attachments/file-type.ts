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

/**
 * The file's kind when its content is one we accept and agrees with its extension; undefined
 * otherwise (an .exe renamed .pdf, an image named .docx, a zip that is not an Office document).
 */
export function detectFileKind(content: Buffer, fileName: string): AllowedFileKind | undefined {
  const extension = fileName.toLowerCase().split('.').pop() ?? '';
  if (startsWith(content, PDF)) {
    return extension === 'pdf' ? 'pdf' : undefined;
  }
  if (startsWith(content, JPG)) {
    return extension === 'jpg' || extension === 'jpeg' ? 'jpg' : undefined;
  }
  if (startsWith(content, PNG)) {
    return extension === 'png' ? 'png' : undefined;
  }
  if (startsWith(content, OLE)) {
    return extension === 'doc' || extension === 'xls' ? extension : undefined;
  }
  if (startsWith(content, ZIP)) {
    // Entry names of the local file headers are stored uncompressed.
    const head = content.subarray(0, Math.min(content.length, 64 * 1024)).toString('latin1');
    if (extension === 'docx' && head.includes('[Content_Types].xml') && head.includes('word/')) {
      return 'docx';
    }
    if (extension === 'xlsx' && head.includes('[Content_Types].xml') && head.includes('xl/')) {
      return 'xlsx';
    }
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
    .replace(/[\u0000-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '')
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
