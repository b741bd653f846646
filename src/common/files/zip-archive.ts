import { inflateRawSync } from 'node:zlib';

/**
 * Just enough of the zip format (PKWARE APPNOTE 4.3) to look inside an Office file before anything
 * opens it: the entries listed in the central directory, and their inflated size under a budget.
 * Office files (.docx, .xlsx) are zips; a zip bomb is a small one that inflates to gigabytes.
 */

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated; anything else is not something Office writes. */
  method: number;
  encrypted: boolean;
  compressedSize: number;
  /** As the central directory claims it: a hostile archive may lie. */
  uncompressedSize: number;
  localHeaderOffset: number;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_HEADER = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const ZIP64_MARKER = 0xffffffff;

/**
 * The entries of a zip from its central directory, or undefined when the bytes are not a
 * well-formed single-disk zip (ZIP64 included: no Office file of the sizes we take needs it).
 */
export function readZipEntries(content: Buffer): ZipEntry[] | undefined {
  let end = -1;
  for (let at = content.length - 22; at >= Math.max(0, content.length - 22 - 0xffff); at -= 1) {
    if (content.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY) {
      end = at;
      break;
    }
  }
  if (end < 0) {
    return undefined;
  }
  const count = content.readUInt16LE(end + 10);
  const directorySize = content.readUInt32LE(end + 12);
  const directoryOffset = content.readUInt32LE(end + 16);
  if (
    content.readUInt16LE(end + 4) !== 0 ||
    count !== content.readUInt16LE(end + 8) ||
    directoryOffset + directorySize > end
  ) {
    return undefined;
  }
  const entries: ZipEntry[] = [];
  let at = directoryOffset;
  for (let index = 0; index < count; index += 1) {
    if (at + 46 > end || content.readUInt32LE(at) !== CENTRAL_HEADER) {
      return undefined;
    }
    const flags = content.readUInt16LE(at + 8);
    const compressedSize = content.readUInt32LE(at + 20);
    const uncompressedSize = content.readUInt32LE(at + 24);
    const nameLength = content.readUInt16LE(at + 28);
    const localHeaderOffset = content.readUInt32LE(at + 42);
    if (
      compressedSize === ZIP64_MARKER ||
      uncompressedSize === ZIP64_MARKER ||
      localHeaderOffset === ZIP64_MARKER
    ) {
      return undefined;
    }
    entries.push({
      // Bit 11: the name is UTF-8; otherwise code page 437, of which Office names use ASCII only.
      name: content.toString(flags & 0x800 ? 'utf8' : 'latin1', at + 46, at + 46 + nameLength),
      method: content.readUInt16LE(at + 10),
      encrypted: (flags & 0x1) !== 0,
      compressedSize,
      uncompressedSize,
      localHeaderOffset,
    });
    at += 46 + nameLength + content.readUInt16LE(at + 30) + content.readUInt16LE(at + 32);
  }
  return entries;
}

/** The stored (compressed) bytes of an entry, or undefined when its local header is not where it says. */
function entryData(content: Buffer, entry: ZipEntry): Buffer | undefined {
  const at = entry.localHeaderOffset;
  if (at + 30 > content.length || content.readUInt32LE(at) !== LOCAL_HEADER) {
    return undefined;
  }
  const start = at + 30 + content.readUInt16LE(at + 26) + content.readUInt16LE(at + 28);
  const end = start + entry.compressedSize;
  return end <= content.length ? content.subarray(start, end) : undefined;
}

export type InflateResult =
  { ok: true; bytes: number } | { ok: false; reason: 'unreadable' | 'too_large' };

/**
 * Inflates every entry, never producing more than `budget` bytes in all, whatever the headers
 * claim: the total, or why not (a corrupt, encrypted or unknown entry; more than the budget).
 */
export function inflateWithin(
  content: Buffer,
  entries: readonly ZipEntry[],
  budget: number,
): InflateResult {
  let total = 0;
  for (const entry of entries) {
    const data = entry.encrypted ? undefined : entryData(content, entry);
    if (!data || (entry.method !== 0 && entry.method !== 8)) {
      return { ok: false, reason: 'unreadable' };
    }
    if (entry.method === 0) {
      total += data.length;
    } else {
      try {
        total += inflateRawSync(data, { maxOutputLength: Math.max(1, budget - total) }).length;
      } catch (error) {
        const tooLarge = (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
        return { ok: false, reason: tooLarge ? 'too_large' : 'unreadable' };
      }
    }
    if (total > budget) {
      return { ok: false, reason: 'too_large' };
    }
  }
  return { ok: true, bytes: total };
}
