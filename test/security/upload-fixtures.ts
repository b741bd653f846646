import ExcelJS from 'exceljs';
import { crc32, deflateSync } from 'node:zlib';
import { buildZip, docxEntries, unzipEntries, zipEntry } from '../helpers/zip-builder.js';

/**
 * The bytes of the upload corpus, built in code (no binaries committed): real files of each kind
 * the app takes, and the spoofed, broken and hostile ones it must refuse or store safely.
 */

/** A small well-formed PDF (header, one object, trailer, end marker). */
export function pdf(body = '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj'): Buffer {
  return Buffer.from(
    `%PDF-1.7\n%\xe2\xe3\xcf\xd3\n${body}\ntrailer << /Root 1 0 R >>\n%%EOF\n`,
    'latin1',
  );
}

/** A PDF of exactly `size` bytes (padding in a comment line). */
export function pdfOfSize(size: number): Buffer {
  const head = Buffer.from('%PDF-1.7\n%');
  const tail = Buffer.from('\ntrailer << /Root 1 0 R >>\n%%EOF\n');
  return Buffer.concat([head, Buffer.alloc(size - head.length - tail.length, 0x20), tail]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData) >>> 0);
  return Buffer.concat([length, typeAndData, crc]);
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A 1×1 white PNG. */
export function png(): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(1, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.from([0, 0xff, 0xff, 0xff]))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A 1×1 baseline JPEG. */
export const JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=',
  'base64',
);

export const docx = (): Buffer => buildZip(docxEntries());

export async function xlsx(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.addWorksheet('台账').addRow(['区县', '得分']);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A Windows executable's first bytes (MZ header, PE offset). */
export const EXE = Buffer.concat([
  Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'),
  Buffer.alloc(512, 0),
]);

/** The EICAR anti-virus test file (a harmless string every scanner flags). */
export const EICAR = Buffer.from(
  'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*',
  'latin1',
);

/** An OLE compound file header (legacy .doc/.xls) padded to a 512-byte sector. */
export const OLE = Buffer.concat([
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
  Buffer.alloc(1536 - 8, 0),
]);

/** An .xlsm (macros) as Excel writes it: a workbook with a VBA project part. */
export async function xlsm(): Promise<Buffer> {
  return buildZip([...unzipEntries(await xlsx()), zipEntry('xl/vbaProject.bin', OLE)]);
}

export const docm = (): Buffer =>
  buildZip([...docxEntries(), zipEntry('word/vbaProject.bin', OLE)]);
