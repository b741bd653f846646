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

/** A PDF object holding a Flate-compressed stream (`extra` goes into its dictionary). */
export function flateStreamObject(number: number, data: Buffer | string, extra = ''): Buffer {
  const packed = deflateSync(Buffer.isBuffer(data) ? data : Buffer.from(data, 'latin1'));
  return Buffer.concat([
    Buffer.from(
      `${number} 0 obj << /Filter /FlateDecode /Length ${packed.length}${extra} >>\nstream\n`,
      'latin1',
    ),
    packed,
    Buffer.from('\nendstream\nendobj\n', 'latin1'),
  ]);
}

/** A PDF made of these bodies, a trailer and %%EOF (the bytes of streams kept as they are). */
export function pdfOf(...bodies: (Buffer | string)[]): Buffer {
  return Buffer.concat([
    Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'),
    ...bodies.map((body) => (Buffer.isBuffer(body) ? body : Buffer.from(`${body}\n`, 'latin1'))),
    Buffer.from('trailer << /Root 1 0 R >>\n%%EOF\n', 'latin1'),
  ]);
}

/**
 * Hostile PDFs of issue 18 item 5: active content spelled with `#xx` escapes, hidden in a
 * compressed object stream, every refused name, an encrypted file and a Flate bomb; and the
 * harmless look-alikes that must still be taken.
 */
export const HOSTILE_PDFS: { name: string; content: () => Buffer; refused: RegExp | undefined }[] =
  [
    {
      name: 'OpenAction JavaScript spelled with name escapes',
      content: () =>
        pdf(
          '1 0 obj << /Type /Catalog /OpenAction << /S /Java#53cript /J#53 (app.alert(1)) >> >> endobj',
        ),
      refused: /脚本/,
    },
    {
      name: 'JavaScript inside a compressed object stream',
      content: () =>
        pdfOf(
          '1 0 obj << /Type /Catalog /OpenAction 2 0 R >> endobj',
          flateStreamObject(
            3,
            '2 0 << /S /JavaScript /JS (app.alert(1)) >>',
            ' /Type /ObjStm /N 1 /First 4',
          ),
        ),
      refused: /脚本/,
    },
    {
      name: 'an object stream whose filter name is escaped (/Fl#61teDecode)',
      content: () => {
        const packed = deflateSync(Buffer.from('2 0 << /S /Launch /F (cmd.exe) >>'));
        return pdfOf(
          Buffer.concat([
            Buffer.from(
              `3 0 obj << /Type /ObjStm /Filter /Fl#61teDecode /Length ${packed.length} >>\nstream\r\n`,
            ),
            packed,
            Buffer.from('\r\nendstream\nendobj\n'),
          ]),
        );
      },
      refused: /脚本/,
    },
    ...['JS', 'Launch', 'EmbeddedFile', 'EmbeddedFiles', 'RichMedia', 'XFA', 'AA'].map((name) => ({
      name: `/${name}`,
      content: () => pdf(`1 0 obj << /Type /Catalog /${name} 2 0 R >> endobj`),
      refused: /脚本/,
    })),
    {
      name: '/aa in lower case with an escape (/a#61)',
      content: () => pdf('1 0 obj << /Type /Page /a#61 << /O 3 0 R >> >> endobj'),
      refused: /脚本/,
    },
    {
      name: 'an encrypted PDF (trailer /Encrypt)',
      content: () =>
        pdf(
          '1 0 obj << /Filter /Standard /V 2 /R 3 /O <00> /U <00> /P -3904 >> endobj\ntrailer << /Encrypt 1 0 R >>',
        ),
      refused: /未加密/,
    },
    {
      name: 'a Flate bomb (21 MB of zeros in 21 KB)',
      content: () => pdfOf(flateStreamObject(2, Buffer.alloc(21 * 1024 * 1024))),
      refused: /解压后超过 20 MB/,
    },
    {
      name: 'a text page in a Flate content stream (taken)',
      content: () =>
        pdfOf(
          '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
          flateStreamObject(4, 'BT /F1 12 Tf 72 712 Td (Reform report) Tj ET'),
        ),
      refused: undefined,
    },
    {
      name: 'a Flate image whose pixels spell /AA (taken)',
      content: () =>
        pdfOf(
          flateStreamObject(
            5,
            '\x00/AA \x00/JS\x00',
            ' /Type /XObject /Subtype /Image /Width 3 /Height 1',
          ),
        ),
      refused: undefined,
    },
    {
      name: 'a "Flate" stream of garbage that does not inflate (taken)',
      content: () =>
        pdfOf(
          Buffer.concat([
            Buffer.from('6 0 obj << /Filter /FlateDecode /Length 64 >>\nstream\n'),
            Buffer.alloc(64, 0xa5),
            Buffer.from('\nendstream\nendobj\n'),
          ]),
        ),
      refused: undefined,
    },
    {
      name: 'names that only start like the refused ones (/JSON, /AAPL, /Launcher) (taken)',
      content: () => pdf('1 0 obj << /JSON (x) /AAPL 1 /Launcher (y) /Type /Catalog >> endobj'),
      refused: undefined,
    },
  ];
