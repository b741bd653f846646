import { createDeflateRaw, crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import { readZipEntries } from '../../src/common/files/zip-archive.js';

/**
 * Zip archives built byte by byte, so tests make the Office files they need (and the broken or
 * hostile ones) in code instead of committing binaries.
 */

export interface ZipEntryBytes {
  name: string;
  /** 0 stored, 8 deflated. */
  method: 0 | 8;
  /** The bytes as stored in the archive. */
  data: Buffer;
  crc: number;
  /** What the headers claim (a lying archive claims less than it inflates to). */
  uncompressedSize: number;
}

/** An entry from its content, deflated unless `store`. */
export function zipEntry(name: string, content: Buffer | string, store = false): ZipEntryBytes {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return {
    name,
    method: store ? 0 : 8,
    data: store ? bytes : deflateRawSync(bytes),
    crc: crc32(bytes),
    uncompressedSize: bytes.length,
  };
}

/**
 * A zip bomb's entry: `megabytes` MiB of one repeated byte, deflated as a stream (about 1,000:1),
 * without ever holding the inflated bytes.
 */
export async function bombEntry(name: string, megabytes: number): Promise<ZipEntryBytes> {
  const chunk = Buffer.alloc(1024 * 1024, 0x20);
  const deflate = createDeflateRaw({ level: 9 });
  const parts: Buffer[] = [];
  deflate.on('data', (part: Buffer) => parts.push(part));
  const done = new Promise((resolve) => deflate.on('end', resolve));
  let crc = 0;
  for (let index = 0; index < megabytes; index += 1) {
    crc = crc32(chunk, crc);
    if (!deflate.write(chunk)) {
      await new Promise((resolve) => deflate.once('drain', resolve));
    }
  }
  deflate.end();
  await done;
  return {
    name,
    method: 8,
    data: Buffer.concat(parts),
    crc,
    uncompressedSize: megabytes * 1024 * 1024,
  };
}

/** The archive: local headers with the data, the central directory, its end record. */
export function buildZip(entries: ZipEntryBytes[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(entry.method, 8);
    local.writeUInt32LE(entry.crc >>> 0, 14);
    local.writeUInt32LE(entry.data.length, 18);
    local.writeUInt32LE(entry.uncompressedSize, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, entry.data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(entry.method, 10);
    central.writeUInt32LE(entry.crc >>> 0, 16);
    central.writeUInt32LE(entry.data.length, 20);
    central.writeUInt32LE(entry.uncompressedSize, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + entry.data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const CONTENT_TYPES = (main: string) =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>${main}</Types>`;

/** The parts of a minimal Word document (what Word itself needs to open it). */
export function docxEntries(text = '改革方案'): ZipEntryBytes[] {
  return [
    zipEntry(
      '[Content_Types].xml',
      CONTENT_TYPES(
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>',
      ),
    ),
    zipEntry(
      '_rels/.rels',
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    ),
    zipEntry(
      'word/document.xml',
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>${text}</w:t></w:r></w:p></w:body></w:document>`,
    ),
  ];
}

/** The entries of an archive (from exceljs, say), re-deflated, to rebuild it with changes. */
export function unzipEntries(content: Buffer): ZipEntryBytes[] {
  const entries = readZipEntries(content);
  if (!entries) {
    throw new Error('Not a zip');
  }
  return entries.map((entry) => {
    const start =
      entry.localHeaderOffset +
      30 +
      content.readUInt16LE(entry.localHeaderOffset + 26) +
      content.readUInt16LE(entry.localHeaderOffset + 28);
    const data = content.subarray(start, start + entry.compressedSize);
    return zipEntry(entry.name, entry.method === 8 ? inflateRawSync(data) : data);
  });
}

/** The inflated text of an entry built by zipEntry (or unzipEntries). */
export function entryText(entry: ZipEntryBytes): string {
  return (entry.method === 8 ? inflateRawSync(entry.data) : entry.data).toString('utf8');
}
