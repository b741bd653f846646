import {
  AlignmentType,
  BorderStyle,
  Document,
  HeadingLevel,
  Packer,
  PageOrientation,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import type { Briefing, BriefingRow } from './report-briefing.js';

/** Fonts Word finds on the office's machines (宋体 for Chinese body text, 黑体 for headings). */
const BODY_FONT = { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: '宋体' };
const HEADING_FONT = { ascii: 'Arial', hAnsi: 'Arial', eastAsia: '黑体' };
/** Tiles per row of the 五色图 table. */
const GRID_COLUMNS = 6;

const hex = (color: string) => color.replace('#', '').toUpperCase();

function text(value: string, options: { bold?: boolean; color?: string; size?: number } = {}) {
  return new TextRun({ text: value, font: BODY_FONT, ...options });
}

function cell(
  children: (string | TextRun)[],
  options: {
    fill?: string;
    header?: boolean;
    align?: 'left' | 'right' | 'center';
    width?: number;
  } = {},
) {
  const alignment =
    options.align === 'right'
      ? AlignmentType.RIGHT
      : options.align === 'center'
        ? AlignmentType.CENTER
        : AlignmentType.LEFT;
  return new TableCell({
    children: [
      new Paragraph({
        alignment,
        children: children.map((child) =>
          typeof child === 'string' ? text(child, { bold: options.header, size: 20 }) : child,
        ),
      }),
    ],
    ...(options.width ? { width: { size: options.width, type: WidthType.PERCENTAGE } } : {}),
    ...(options.fill
      ? { shading: { type: ShadingType.CLEAR, color: 'auto', fill: hex(options.fill) } }
      : options.header
        ? { shading: { type: ShadingType.CLEAR, color: 'auto', fill: 'F2F2F2' } }
        : {}),
  });
}

function heading(value: string) {
  return new Paragraph({
    heading: HeadingLevel.HEADING_2,
    spacing: { before: 240, after: 120 },
    children: [new TextRun({ text: value, font: HEADING_FONT, size: 28, bold: true })],
  });
}

function paragraph(value: string) {
  return new Paragraph({ spacing: { after: 120 }, children: [text(value, { size: 21 })] });
}

/** The band's number and name on its colour, in the text colour that reads on it. */
function bandRuns(row: Pick<BriefingRow, 'band'>, label: string, size = 20) {
  const ink = row.band.ink === 'light' ? 'FFFFFF' : '111111';
  return [
    text(`${row.band.numeral} `, { bold: true, color: ink, size }),
    text(label, { color: ink, size }),
  ];
}

function rankingTable(briefing: Briefing) {
  const header = new TableRow({
    tableHeader: true,
    children: [
      cell(['名次'], { header: true, align: 'center', width: 8 }),
      cell([briefing.subjectLabel], { header: true, width: 44 }),
      cell(['总分'], { header: true, align: 'right', width: 14 }),
      cell(['五色图'], { header: true, width: 20 }),
      cell(['较上期'], { header: true, align: 'center', width: 14 }),
    ],
  });
  const rows = briefing.rows.map(
    (row) =>
      new TableRow({
        cantSplit: true,
        children: [
          cell([String(row.rank)], { align: 'center' }),
          cell([row.name]),
          cell([row.total], { align: 'right' }),
          new TableCell({
            shading: { type: ShadingType.CLEAR, color: 'auto', fill: hex(row.band.color) },
            children: [new Paragraph({ children: bandRuns(row, row.band.name) })],
          }),
          cell([row.changeLabel], { align: 'center' }),
        ],
      }),
  );
  return new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, rows: [header, ...rows] });
}

/** The 五色图 as a coloured table: a cell per subject in rank order, number, name and total. */
function bandGrid(briefing: Briefing) {
  const cells = briefing.rows.map(
    (row) =>
      new TableCell({
        width: { size: Math.floor(100 / GRID_COLUMNS), type: WidthType.PERCENTAGE },
        shading: { type: ShadingType.CLEAR, color: 'auto', fill: hex(row.band.color) },
        children: [
          new Paragraph({ children: bandRuns(row, row.name, 18) }),
          new Paragraph({
            children: [
              text(`${row.total} · 第${row.rank}名`, {
                size: 16,
                color: row.band.ink === 'light' ? 'FFFFFF' : '111111',
              }),
            ],
          }),
        ],
      }),
  );
  const rows: TableRow[] = [];
  for (let start = 0; start < cells.length; start += GRID_COLUMNS) {
    const slice = cells.slice(start, start + GRID_COLUMNS);
    while (slice.length < GRID_COLUMNS) {
      slice.push(new TableCell({ children: [new Paragraph('')] }));
    }
    rows.push(new TableRow({ cantSplit: true, children: slice }));
  }
  const border = { style: BorderStyle.SINGLE, size: 12, color: 'FFFFFF' };
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    borders: {
      top: border,
      bottom: border,
      left: border,
      right: border,
      insideHorizontal: border,
      insideVertical: border,
    },
    rows,
  });
}

function legend(briefing: Briefing) {
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({
        children: briefing.bands.map(
          (band) =>
            new TableCell({
              shading: { type: ShadingType.CLEAR, color: 'auto', fill: hex(band.color) },
              children: [
                new Paragraph({
                  children: bandRuns(
                    { band },
                    `${band.name}${band.colorName ? `（${band.colorName}）` : ''} ${band.subjects.length} 个`,
                    18,
                  ),
                }),
              ],
            }),
        ),
      }),
    ],
  });
}

function changesTable(briefing: Briefing, rows: BriefingRow[]) {
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({
        tableHeader: true,
        children: [
          cell([briefing.subjectLabel], { header: true, width: 46 }),
          cell(['上期名次'], { header: true, align: 'center', width: 18 }),
          cell(['本期名次'], { header: true, align: 'center', width: 18 }),
          cell(['变化'], { header: true, align: 'center', width: 18 }),
        ],
      }),
      ...rows.map(
        (row) =>
          new TableRow({
            cantSplit: true,
            children: [
              cell([row.name]),
              cell([String(row.previousRank)], { align: 'center' }),
              cell([String(row.rank)], { align: 'center' }),
              cell([row.changeLabel], { align: 'center' }),
            ],
          }),
      ),
    ],
  });
}

/** The briefing as a Word document (.docx): A4 portrait, title, ranking, 五色图, changes. */
export async function briefingDocx(briefing: Briefing): Promise<Buffer> {
  const moved = briefing.changes.moved;
  const document = new Document({
    creator: '改革报表',
    title: briefing.title,
    styles: { default: { document: { run: { font: BODY_FONT, size: 21 } } } },
    sections: [
      {
        properties: {
          page: {
            size: { orientation: PageOrientation.PORTRAIT, width: 11906, height: 16838 },
            margin: { top: 1134, bottom: 1134, left: 1134, right: 1134 },
          },
        },
        children: [
          new Paragraph({
            heading: HeadingLevel.TITLE,
            alignment: AlignmentType.CENTER,
            spacing: { after: 120 },
            children: [
              new TextRun({ text: briefing.title, font: HEADING_FONT, size: 36, bold: true }),
            ],
          }),
          new Paragraph({
            alignment: AlignmentType.CENTER,
            spacing: { after: 240 },
            children: [
              text(
                `${briefing.generatedAt} 生成 · 数据截至 ${briefing.asOf} · ${briefing.systemLabel}`,
                { size: 18, color: '555555' },
              ),
            ],
          }),
          heading('一、主要变化'),
          paragraph(briefing.changes.summary),
          ...(moved.length > 0
            ? [paragraph(`排名变化较大的${briefing.subjectLabel}：`), changesTable(briefing, moved)]
            : []),
          heading('二、五色图'),
          legend(briefing),
          new Paragraph(''),
          bandGrid(briefing),
          heading(`三、${briefing.subjectLabel}排名`),
          rankingTable(briefing),
        ],
      },
    ],
  });
  return Packer.toBuffer(document);
}
