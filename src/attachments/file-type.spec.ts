import { detectFileKind, sanitizeFileName } from './file-type.js';

const pdf = Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n');
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const jpg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]);
const exe = Buffer.from('MZ\x90\x00\x03\x00\x00\x00');
const ole = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]);
const zipOf = (entries: string) =>
  Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from(entries, 'latin1')]);

describe('detectFileKind', () => {
  it.each([
    [pdf, '部署文件.pdf', 'pdf'],
    [pdf, 'FILE.PDF', 'pdf'],
    [png, '截图.png', 'png'],
    [jpg, 'photo.jpeg', 'jpg'],
    [ole, '旧文档.doc', 'doc'],
    [ole, '台账.xls', 'xls'],
    [zipOf('[Content_Types].xml....word/document.xml'), '方案.docx', 'docx'],
    [zipOf('[Content_Types].xml....xl/workbook.xml'), '台账.xlsx', 'xlsx'],
  ])('should accept real content %#', (content, name, expected) => {
    expect(detectFileKind(content, name)).toBe(expected);
  });

  it.each([
    [exe, 'virus.pdf'],
    [pdf, 'report.exe'],
    [png, 'picture.pdf'],
    [zipOf('payload/evil.js'), 'fake.docx'],
    [zipOf('[Content_Types].xml....xl/workbook.xml'), 'sheet.docx'],
    [Buffer.from('<html><script>alert(1)</script>'), 'page.pdf'],
    [Buffer.alloc(0), 'empty.pdf'],
  ])('should refuse spoofed or unknown content %#', (content, name) => {
    expect(detectFileKind(content, name)).toBeUndefined();
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
