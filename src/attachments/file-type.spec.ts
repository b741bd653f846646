import { randomBytes } from 'node:crypto';
import { buildZip, docxEntries, zipEntry } from '../../test/helpers/zip-builder.js';
import { HOSTILE_PDFS } from '../../test/security/upload-fixtures.js';
import { activeContentProblem, detectFileKind, sanitizeFileName } from './file-type.js';

const pdf = Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
  Buffer.from('IHDR'),
  Buffer.alloc(17),
]);
const jpg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]);
const exe = Buffer.from('MZ\x90\x00\x03\x00\x00\x00');
const ole = Buffer.concat([
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
  Buffer.alloc(504),
]);
const docx = buildZip(docxEntries());
const xlsx = buildZip([
  zipEntry('[Content_Types].xml', '<Types/>'),
  zipEntry('xl/workbook.xml', '<workbook/>'),
]);
/** The names alone in the first bytes, as the old check read them: not a zip at all. */
const fakeZip = Buffer.concat([
  Buffer.from([0x50, 0x4b, 0x03, 0x04]),
  Buffer.from('[Content_Types].xml....word/document.xml', 'latin1'),
]);

describe('detectFileKind', () => {
  it.each([
    [pdf, '部署文件.pdf', 'pdf'],
    [pdf, 'FILE.PDF', 'pdf'],
    [png, '截图.png', 'png'],
    [jpg, 'photo.jpeg', 'jpg'],
    [ole, '旧文档.doc', 'doc'],
    [ole, '台账.xls', 'xls'],
    [docx, '方案.docx', 'docx'],
    [xlsx, '台账.xlsx', 'xlsx'],
  ])('should accept real content %#', (content, name, expected) => {
    expect(detectFileKind(content, name)).toBe(expected);
  });

  it.each([
    [exe, 'virus.pdf'],
    [pdf, 'report.exe'],
    [png, 'picture.pdf'],
    [buildZip([zipEntry('payload/evil.js', 'x')]), 'fake.docx'],
    [xlsx, 'sheet.docx'],
    [fakeZip, 'fake.docx'],
    [Buffer.from('<html><script>alert(1)</script>'), 'page.pdf'],
    [Buffer.from('%PDF-1.7\n<html><script>alert(1)</script></html>'), 'polyglot.pdf'],
    [png.subarray(0, 8), 'signature-only.png'],
    [ole.subarray(0, 8), 'header-only.doc'],
    [Buffer.alloc(0), 'empty.pdf'],
  ])('should refuse spoofed, truncated or unknown content %#', (content, name) => {
    expect(detectFileKind(content, name)).toBeUndefined();
  });
});

describe('activeContentProblem', () => {
  it.each([
    ['/S /JavaScript /JS (app.alert(1))'],
    ['/OpenAction << /S /Launch /F (cmd.exe) >>'],
    ['/AA << /O << /JS(x) >> >>'],
  ])('should refuse a PDF that runs code when opened: %s', (dictionary) => {
    const content = Buffer.from(`%PDF-1.7\n1 0 obj << ${dictionary} >> endobj\n%%EOF\n`);
    expect(activeContentProblem(content, 'pdf')).toContain('脚本');
  });

  it.each(HOSTILE_PDFS.map((hostile) => [hostile.name, hostile] as const))(
    'PDF corpus: %s',
    (_name, hostile) => {
      const problem = activeContentProblem(hostile.content(), 'pdf');
      if (hostile.refused) {
        expect(problem).toMatch(hostile.refused);
      } else {
        expect(problem).toBeUndefined();
      }
    },
  );

  it('should take random bytes between a PDF header and %%EOF (the backup test uploads such)', () => {
    // Random payloads with '/' replaced, as test/e2e/backup-restore.e2e-spec.ts builds them,
    // and with the keyword of a Flate stream around them: garbage inflates to nothing.
    for (let round = 0; round < 20; round += 1) {
      const payload = Buffer.from(
        randomBytes(64 * 1024).map((byte) => (byte === 0x2f ? 0x30 : byte)),
      );
      const content = Buffer.concat([
        Buffer.from('%PDF-1.7\n1 0 obj << /Filter /FlateDecode >>\nstream\n'),
        payload,
        Buffer.from('\nendstream\n%%EOF\n'),
      ]);
      expect(activeContentProblem(content, 'pdf')).toBeUndefined();
    }
  });

  it('should take a PDF whose names only start like JS', () => {
    const content = Buffer.from('%PDF-1.7\n1 0 obj << /JSON (x) /Type /Catalog >> endobj\n%%EOF\n');
    expect(activeContentProblem(content, 'pdf')).toBeUndefined();
  });

  it('should refuse macros in an Office package and take a clean one', () => {
    expect(activeContentProblem(docx, 'docx')).toBeUndefined();
    const docm = buildZip([...docxEntries(), zipEntry('word/vbaProject.bin', ole)]);
    expect(activeContentProblem(docm, 'docx')).toContain('宏');
  });
});

describe('sanitizeFileName', () => {
  it('should strip paths, control and bidirectional characters', () => {
    expect(sanitizeFileName('../../etc/passwd.pdf')).toBe('passwd.pdf');
    expect(sanitizeFileName('C:\\Users\\x\\文件.pdf')).toBe('文件.pdf');
    expect(sanitizeFileName('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    expect(sanitizeFileName('a\r\nb\u0000.pdf')).toBe('ab.pdf');
    expect(sanitizeFileName('...')).toBe('附件');
  });

  it('should keep the extension when shortening a long name', () => {
    const long = `${'长'.repeat(300)}.pdf`;
    const result = sanitizeFileName(long);
    expect(result).toHaveLength(200);
    expect(result.endsWith('.pdf')).toBe(true);
  });
});
