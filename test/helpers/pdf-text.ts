import { inflateSync } from 'node:zlib';

interface PdfObject {
  dict: string;
  stream?: Buffer;
}

/** The objects of a PDF as written by pdfkit (no object streams, no incremental updates). */
function pdfObjects(pdf: Buffer): Map<string, PdfObject> {
  const text = pdf.toString('latin1');
  const objects = new Map<string, PdfObject>();
  const pattern = /(\d+) 0 obj\s*(<<[\s\S]*?>>)\s*(?:stream\r?\n)?/g;
  for (const match of text.matchAll(pattern)) {
    const object: PdfObject = { dict: match[2] };
    if (match[0].includes('stream')) {
      const start = match.index + match[0].length;
      const end = text.indexOf('endstream', start);
      const raw = pdf.subarray(start, end).subarray(0, Number(/\/Length (\d+)/.exec(match[2])![1]));
      object.stream = match[2].includes('/FlateDecode') ? inflateSync(raw) : raw;
    }
    objects.set(match[1], object);
  }
  return objects;
}

/** A ToUnicode CMap: code (4 hex digits) → text. */
function toUnicode(cmap: string): Map<string, string> {
  const map = new Map<string, string>();
  const chars = (hex: string) =>
    String.fromCharCode(...(hex.match(/.{4}/g) ?? []).map((unit) => parseInt(unit, 16)));
  for (const [, from, to, targets] of cmap.matchAll(/<(\w+)>\s*<(\w+)>\s*\[([^\]]*)\]/g)) {
    const list = [...targets.matchAll(/<(\w+)>/g)].map((target) => chars(target[1]));
    for (let code = parseInt(from, 16); code <= parseInt(to, 16); code += 1) {
      map.set(code.toString(16).padStart(4, '0'), list[code - parseInt(from, 16)]);
    }
  }
  for (const [, code, target] of cmap.matchAll(/^<(\w{4})>\s*<(\w+)>$/gm)) {
    map.set(code.toLowerCase(), chars(target));
  }
  return map;
}

/**
 * Each page of a PDF made by pdfkit with embedded (Identity-H) fonts: its text (each text object's
 * shown strings decoded through its font's ToUnicode map, one line per text object) and its
 * content stream as written (drawing operators, e.g. the fill colours).
 */
export function pdfPages(pdf: Buffer): { text: string; content: string }[] {
  const objects = pdfObjects(pdf);
  const ref = (dict: string, key: string) => new RegExp(`/${key} (\\d+) 0 R`).exec(dict)?.[1];
  const pagesRoot = [...objects.values()].find((object) => /\/Type \/Pages\b/.test(object.dict))!;
  const kids = [.../\/Kids \[([^\]]*)\]/.exec(pagesRoot.dict)![1].matchAll(/(\d+) 0 R/g)];
  return kids.map(([, pageId]) => {
    const page = objects.get(pageId)!;
    const resources = objects.get(ref(page.dict, 'Resources')!)!.dict;
    const fonts = new Map<string, Map<string, string>>();
    for (const [, name, fontId] of resources.matchAll(/\/(F\d+) (\d+) 0 R/g)) {
      const unicode = objects.get(ref(objects.get(fontId)!.dict, 'ToUnicode')!)!;
      fonts.set(name, toUnicode(unicode.stream!.toString('latin1')));
    }
    const content = objects.get(ref(page.dict, 'Contents')!)!.stream!.toString('latin1');
    const lines: string[] = [];
    let font = new Map<string, string>();
    for (const block of content.split(/\bET\b/)) {
      let line = '';
      for (const [, name, shown] of block.matchAll(/\/(F\d+) [\d.]+ Tf|(\[[^\]]*\]) TJ/g)) {
        if (name) {
          font = fonts.get(name) ?? new Map();
        } else {
          for (const [, hex] of shown.matchAll(/<(\w+)>/g)) {
            line += (hex.match(/.{4}/g) ?? []).map((code) => font.get(code) ?? '').join('');
          }
        }
      }
      if (line) {
        lines.push(line);
      }
    }
    return { text: lines.join('\n'), content };
  });
}
