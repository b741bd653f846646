import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import type { Briefing, BriefingBand, BriefingRow } from './report-briefing.js';

/**
 * A CJK font pdfkit can embed (it embeds only the glyphs used, so a briefing is about 100 kB).
 * `BRIEFING_FONT` names a TTF/OTF file, or a collection as `file.ttc#PostScriptName`; otherwise
 * Noto Sans CJK SC where Debian's fonts-noto-cjk (installed by the Dockerfile) or other
 * distributions put it.
 */
interface FontFace {
  file: string;
  face?: string;
}

const NOTO_DIRS = [
  '/usr/share/fonts/opentype/noto',
  '/usr/share/fonts/noto-cjk',
  '/usr/share/fonts/google-noto-cjk',
];

function configuredFace(value: string): FontFace {
  const [file, face] = value.split('#');
  return { file, face: face || undefined };
}

/** The regular and bold faces to embed, or undefined when the machine has no CJK font. */
export function briefingFonts(
  env: NodeJS.ProcessEnv = process.env,
): { regular: FontFace; bold: FontFace } | undefined {
  if (env.BRIEFING_FONT) {
    const regular = configuredFace(env.BRIEFING_FONT);
    const bold = env.BRIEFING_FONT_BOLD ? configuredFace(env.BRIEFING_FONT_BOLD) : regular;
    return existsSync(regular.file) && existsSync(bold.file) ? { regular, bold } : undefined;
  }
  for (const dir of NOTO_DIRS) {
    const regular = { file: `${dir}/NotoSansCJK-Regular.ttc`, face: 'NotoSansCJKsc-Regular' };
    if (existsSync(regular.file)) {
      const boldFile = `${dir}/NotoSansCJK-Bold.ttc`;
      const bold = existsSync(boldFile) ? { file: boldFile, face: 'NotoSansCJKsc-Bold' } : regular;
      return { regular, bold };
    }
  }
  return undefined;
}

/** A4 in points, with the Word briefing's 2 cm margins. */
const PAGE = { width: 595.28, height: 841.89, margin: 56.7 };
const CONTENT_WIDTH = PAGE.width - 2 * PAGE.margin;
const BOTTOM = PAGE.height - PAGE.margin;
const ROW_HEIGHT = 17;
const GRID_COLUMNS = 6;
const TILE_HEIGHT = 38;
const TILE_GAP = 3;
const INK = { dark: '#111111', light: '#ffffff' } as const;

interface Column<R> {
  header: string;
  /** Share of the content width. */
  width: number;
  align?: 'left' | 'center' | 'right';
  value: (row: R) => string;
  /** A cell filled with the row's band colour. */
  band?: (row: R) => BriefingBand;
}

/** Draws the briefing on pdfkit's document: title, changes, 五色图, ranking (as the Word one). */
class BriefingPdfWriter {
  private y = PAGE.margin;

  constructor(private readonly doc: PDFKit.PDFDocument) {}

  private ensure(height: number): boolean {
    if (this.y + height <= BOTTOM) {
      return false;
    }
    this.doc.addPage();
    this.y = PAGE.margin;
    return true;
  }

  private text(
    value: string,
    options: { size: number; bold?: boolean; color?: string; align?: 'left' | 'center' },
  ): void {
    const { doc } = this;
    doc.font(options.bold ? 'bold' : 'regular').fontSize(options.size);
    const height = doc.heightOfString(value, { width: CONTENT_WIDTH });
    this.ensure(height);
    doc
      .fillColor(options.color ?? INK.dark)
      .text(value, PAGE.margin, this.y, { width: CONTENT_WIDTH, align: options.align ?? 'left' });
    this.y += height + options.size * 0.5;
  }

  title(briefing: Briefing): void {
    this.text(briefing.title, { size: 18, bold: true, align: 'center' });
    this.text(
      `${briefing.generatedAt} 生成 · 数据截至 ${briefing.asOf} · ${briefing.systemLabel}`,
      { size: 9, color: '#555555', align: 'center' },
    );
    this.y += 6;
  }

  /** A heading kept with what follows it: `following` points of it (at least three rows). */
  heading(value: string, following = 3 * ROW_HEIGHT): void {
    this.ensure(Math.min(30 + following, BOTTOM - PAGE.margin));
    this.y += 4;
    this.text(value, { size: 14, bold: true });
  }

  paragraph(value: string): void {
    this.text(value, { size: 10.5 });
  }

  private cell(value: string, x: number, width: number, align: Column<unknown>['align']): void {
    this.doc.text(value, x + 4, this.y + 4, {
      width: width - 8,
      height: ROW_HEIGHT - 4,
      align: align ?? 'left',
      lineBreak: false,
      ellipsis: true,
    });
  }

  private tableHeader<R>(columns: Column<R>[]): void {
    const { doc } = this;
    doc.rect(PAGE.margin, this.y, CONTENT_WIDTH, ROW_HEIGHT).fill('#f2f2f2');
    doc.font('bold').fontSize(9.5).fillColor(INK.dark);
    let x = PAGE.margin;
    for (const column of columns) {
      const width = column.width * CONTENT_WIDTH;
      this.cell(column.header, x, width, column.align);
      x += width;
    }
    this.y += ROW_HEIGHT;
  }

  /** A table whose header is drawn again at the top of every page it runs onto. */
  table<R>(columns: Column<R>[], rows: R[]): void {
    const { doc } = this;
    this.ensure(2 * ROW_HEIGHT);
    this.tableHeader(columns);
    for (const row of rows) {
      if (this.ensure(ROW_HEIGHT)) {
        this.tableHeader(columns);
      }
      let x = PAGE.margin;
      for (const column of columns) {
        const width = column.width * CONTENT_WIDTH;
        const band = column.band?.(row);
        if (band) {
          doc.rect(x, this.y, width, ROW_HEIGHT).fill(band.color);
        }
        doc
          .font('regular')
          .fontSize(9.5)
          .fillColor(band ? INK[band.ink] : INK.dark);
        this.cell(column.value(row), x, width, column.align);
        x += width;
      }
      doc
        .moveTo(PAGE.margin, this.y + ROW_HEIGHT)
        .lineTo(PAGE.margin + CONTENT_WIDTH, this.y + ROW_HEIGHT)
        .lineWidth(0.5)
        .strokeColor('#dddddd')
        .stroke();
      this.y += ROW_HEIGHT;
    }
    this.y += 8;
  }

  /** The bands with their colour, number, name and how many subjects each holds. */
  legend(bands: Briefing['bands']): void {
    const { doc } = this;
    this.ensure(ROW_HEIGHT);
    const width = CONTENT_WIDTH / bands.length;
    bands.forEach((band, index) => {
      const x = PAGE.margin + index * width;
      doc.rect(x, this.y, width - TILE_GAP, ROW_HEIGHT).fill(band.color);
      doc.font('regular').fontSize(8.5).fillColor(INK[band.ink]);
      const colour = band.colorName ? `（${band.colorName}）` : '';
      this.cell(
        `${band.numeral} ${band.name}${colour} ${band.subjects.length} 个`,
        x,
        width,
        'left',
      );
    });
    this.y += ROW_HEIGHT + 6;
  }

  /** The 五色图: a tile per subject in rank order, its band number, name, total and rank. */
  grid(rows: BriefingRow[]): void {
    const { doc } = this;
    const width = (CONTENT_WIDTH + TILE_GAP) / GRID_COLUMNS;
    for (let start = 0; start < rows.length; start += GRID_COLUMNS) {
      this.ensure(TILE_HEIGHT + TILE_GAP);
      rows.slice(start, start + GRID_COLUMNS).forEach((row, index) => {
        const x = PAGE.margin + index * width;
        doc.rect(x, this.y, width - TILE_GAP, TILE_HEIGHT).fill(row.band.color);
        doc.fillColor(INK[row.band.ink]);
        // One line each, cut with an ellipsis: a long name must not run into the score.
        const line = (height: number) => ({ width: width - TILE_GAP - 8, height, ellipsis: true });
        doc
          .font('bold')
          .fontSize(9.5)
          .text(`${row.band.numeral} ${row.name}`, x + 4, this.y + 4, line(14));
        doc
          .font('regular')
          .fontSize(8)
          .text(`${row.total} · 第${row.rank}名`, x + 4, this.y + 22, line(12));
      });
      this.y += TILE_HEIGHT + TILE_GAP;
    }
    this.y += 8;
  }
}

/**
 * The briefing as a PDF (A4 portrait): title, 一、主要变化 (the summary and the largest moves),
 * 二、五色图 (legend and tiles in the bands' colours, each with its band number), 三、排名 (the
 * ranking with 五色图 and 较上期, its header repeated on every page). `fonts` from briefingFonts.
 */
export function briefingPdf(
  briefing: Briefing,
  fonts: NonNullable<ReturnType<typeof briefingFonts>>,
): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: PAGE.margin,
    info: { Title: briefing.title, Author: '改革报表', Creator: '改革报表' },
    displayTitle: true,
    lang: 'zh-CN',
  });
  doc.registerFont('regular', fonts.regular.file, fonts.regular.face);
  doc.registerFont('bold', fonts.bold.file, fonts.bold.face);
  const done = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const writer = new BriefingPdfWriter(doc);
  const subject = briefing.subjectLabel;
  writer.title(briefing);
  writer.heading('一、主要变化');
  writer.paragraph(briefing.changes.summary);
  if (briefing.changes.moved.length > 0) {
    writer.paragraph(`排名变化较大的${subject}：`);
    writer.table<BriefingRow>(
      [
        { header: subject, width: 0.46, value: (row) => row.name },
        {
          header: '上期名次',
          width: 0.18,
          align: 'center',
          value: (row) => String(row.previousRank),
        },
        { header: '本期名次', width: 0.18, align: 'center', value: (row) => String(row.rank) },
        { header: '变化', width: 0.18, align: 'center', value: (row) => row.changeLabel },
      ],
      briefing.changes.moved,
    );
  }
  // The 五色图 stays on one page when it fits on one: its heading, legend and tile rows.
  const gridRows = Math.ceil(briefing.rows.length / GRID_COLUMNS);
  writer.heading('二、五色图', ROW_HEIGHT + 6 + gridRows * (TILE_HEIGHT + TILE_GAP));
  writer.legend(briefing.bands);
  writer.grid(briefing.rows);
  writer.heading(`三、${subject}排名`);
  writer.table<BriefingRow>(
    [
      { header: '名次', width: 0.08, align: 'center', value: (row) => String(row.rank) },
      { header: subject, width: 0.44, value: (row) => row.name },
      { header: '总分', width: 0.14, align: 'right', value: (row) => row.total },
      {
        header: '五色图',
        width: 0.2,
        value: (row) => `${row.band.numeral} ${row.band.name}`,
        band: (row) => row.band,
      },
      { header: '较上期', width: 0.14, align: 'center', value: (row) => row.changeLabel },
    ],
    briefing.rows,
  );
  doc.end();
  return done;
}
