import { constants, inflateSync } from 'node:zlib';

/**
 * What in a PDF makes it more than a document to read: names that run JavaScript, launch programs,
 * carry embedded files or rich media, XFA forms, or additional actions (/AA, run on open, close,
 * page view…). A reader honours a name however it is spelled, so this scanner reads names as a
 * reader does:
 * - `#xx` escapes are decoded first (`/Java#53cript` is `/JavaScript`), and the comparison ignores
 *   case (a lenient reader's spelling is not ours to guess);
 * - every FlateDecode stream (its dictionary's names decoded the same way) is inflated, with a
 *   total cap on what the file may inflate to (a zip bomb in a PDF), and read for names like the
 *   file (object streams hide whole dictionaries, PDF 1.5+), one level deep (a stream holds no
 *   streams); images, font programs and colour profiles are inflated and counted, not read, since
 *   their bytes would spell a short name like /AA by chance.
 * A stream that does not inflate (not Flate data, or garbage, like the random-byte "PDFs" of the
 * backup test) is not active content: a reader cannot decode it either, so nothing in it can run.
 * A truncated Flate stream is inflated as far as it goes, as readers do.
 */

/** Names whose presence refuses the file, compared in lower case after `#xx` decoding. */
const ACTIVE_NAMES = new Set(
  ['JS', 'JavaScript', 'Launch', 'EmbeddedFile', 'EmbeddedFiles', 'RichMedia', 'XFA', 'AA'].map(
    (name) => name.toLowerCase(),
  ),
);

/** What all the streams of one PDF may inflate to, together. */
export const PDF_INFLATED_MAX_BYTES = 20 * 1024 * 1024;

export type PdfScan =
  | { ok: true }
  | { ok: false; reason: 'active'; name: string }
  | { ok: false; reason: 'encrypted' }
  | { ok: false; reason: 'too_large' };

/** PDF white space and delimiters end a name; anything else (incl. bytes ≥ 0x80) belongs to it. */
const NAME = /\/([^\x00\t\n\f\r ()<>[\]{}/%]*)/g;

function decodeName(raw: string): string {
  return raw.replace(/#([0-9A-Fa-f]{2})/g, (_escape, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  );
}

/** The names of a PDF text (latin1, one char per byte), decoded. */
function* names(text: string): Generator<string> {
  for (const match of text.matchAll(NAME)) {
    yield decodeName(match[1]);
  }
}

function activeName(text: string): string | undefined {
  for (const name of names(text)) {
    if (ACTIVE_NAMES.has(name.toLowerCase())) {
      return name;
    }
  }
  return undefined;
}

function isEncrypted(text: string): boolean {
  for (const name of names(text)) {
    if (name === 'Encrypt') {
      return true;
    }
  }
  return false;
}

/**
 * Stream dictionaries of binary data (images, font programs, colour profiles): inflated and counted
 * against the cap, but not read for names, where pixels or glyph outlines would match by chance.
 */
const BINARY_MARKERS = new Set(
  [
    'Image',
    'Length1',
    'Length2',
    'Length3',
    'Type1C',
    'CIDFontType0C',
    'OpenType',
    'Alternate',
  ].map((name) => name.toLowerCase()),
);

interface RawStream {
  /** The decoded names of the stream's dictionary (between its `obj` and `stream`). */
  dictionary: Set<string>;
  data: Buffer;
}

/** The raw bytes between each `stream` keyword (and its end of line) and the next `endstream`. */
function* streams(content: Buffer): Generator<RawStream> {
  let from = 0;
  for (;;) {
    const keyword = content.indexOf('stream', from, 'latin1');
    if (keyword < 0) {
      return;
    }
    let start = keyword + 6;
    // `endstream` also contains `stream`: only a keyword followed by an end of line opens data.
    if (content[start] === 0x0d && content[start + 1] === 0x0a) {
      start += 2;
    } else if (content[start] === 0x0a || content[start] === 0x0d) {
      start += 1;
    } else {
      from = keyword + 6;
      continue;
    }
    const end = content.indexOf('endstream', start, 'latin1');
    const stop = end < 0 ? content.length : end;
    const opened = content.lastIndexOf('obj', keyword, 'latin1');
    const head = content.toString('latin1', Math.max(opened, from, keyword - 4096), keyword);
    yield {
      dictionary: new Set([...names(head)].map((name) => name.toLowerCase())),
      data: content.subarray(start, stop),
    };
    from = stop + 9;
  }
}

type Inflated = { ok: true; data: Buffer } | { ok: false; tooLarge: boolean };

function inflate(data: Buffer, budget: number): Inflated {
  try {
    return {
      ok: true,
      data: inflateSync(data, {
        maxOutputLength: Math.max(1, budget),
        finishFlush: constants.Z_SYNC_FLUSH,
      }),
    };
  } catch (error) {
    const code = (error as { code?: string }).code;
    return { ok: false, tooLarge: code === 'ERR_BUFFER_TOO_LARGE' };
  }
}

/** Scans a PDF's bytes (already known to start with %PDF- and end with %%EOF). */
export function scanPdf(content: Buffer, maxInflated = PDF_INFLATED_MAX_BYTES): PdfScan {
  const text = content.toString('latin1');
  if (isEncrypted(text)) {
    return { ok: false, reason: 'encrypted' };
  }
  const direct = activeName(text);
  if (direct) {
    return { ok: false, reason: 'active', name: direct };
  }
  let budget = maxInflated;
  for (const stream of streams(content)) {
    if (!stream.dictionary.has('flatedecode')) {
      continue; // unfiltered data was read with the file; other filters are left to the reader
    }
    const inflated = inflate(stream.data, budget);
    if (!inflated.ok) {
      if (inflated.tooLarge) {
        return { ok: false, reason: 'too_large' };
      }
      continue; // not Flate data: nothing a reader could run
    }
    budget -= inflated.data.length;
    if (budget < 0) {
      return { ok: false, reason: 'too_large' };
    }
    if ([...stream.dictionary].some((name) => BINARY_MARKERS.has(name))) {
      continue;
    }
    const hidden = activeName(inflated.data.toString('latin1'));
    if (hidden) {
      return { ok: false, reason: 'active', name: hidden };
    }
  }
  return { ok: true };
}
