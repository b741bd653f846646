import {
  AlignmentType,
  BorderStyle,
  Document,
  Packer,
  Paragraph,
  TextRun,
  type IRunOptions,
} from 'docx';

/** What the Word file of an issue holds (the same as the preview page). */
export interface BulletinDocument {
  issueLabel: string;
  issuedOnLabel: string;
  publisher: string;
  editorNote: string;
  items: { title: string; paragraphs: string[]; unitName: string }[];
  submittedTo: string;
  copiedTo: string;
}

const RED = 'E60012';
/** Half-points: 二号 22pt, 三号 16pt, 四号 14pt. */
const SIZE_MASTHEAD = 88;
const SIZE_TITLE = 32;
const SIZE_BODY = 32;
const SIZE_SMALL = 28;
const FANGSONG = { eastAsia: '仿宋_GB2312', ascii: 'Times New Roman', hAnsi: 'Times New Roman' };
const HEITI = { eastAsia: '黑体', ascii: 'Times New Roman', hAnsi: 'Times New Roman' };
const XIAOBIAOSONG = {
  eastAsia: '方正小标宋简体',
  ascii: 'Times New Roman',
  hAnsi: 'Times New Roman',
};

const run = (text: string, options: Omit<IRunOptions, 'text'> = {}) =>
  new TextRun({ text, size: SIZE_BODY, font: FANGSONG, ...options });

/** Body text: first line indented two characters, fixed 28pt line spacing as official documents have. */
const bodyParagraph = (text: string) =>
  new Paragraph({
    children: [run(text)],
    indent: { firstLine: 640 },
    spacing: { line: 560, lineRule: 'exact' },
    alignment: AlignmentType.JUSTIFIED,
  });

/**
 * 《改革简报》 as a .docx in the official layout: A4, the red masthead 改革简报, the issue number,
 * the publisher and date above a red rule, the 编者按, the items with their sources, and the
 * 报送/抄送 lines between rules at the end.
 */
export function bulletinDocx(bulletin: BulletinDocument): Promise<Buffer> {
  const children: Paragraph[] = [
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { before: 600, after: 200 },
      children: [
        new TextRun({
          text: '改革简报',
          color: RED,
          bold: true,
          size: SIZE_MASTHEAD,
          font: XIAOBIAOSONG,
        }),
      ],
    }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { after: 200 },
      children: [run(bulletin.issueLabel)],
    }),
    new Paragraph({
      tabStops: [{ type: 'right', position: 8844 }],
      border: { bottom: { style: BorderStyle.SINGLE, size: 18, color: RED, space: 4 } },
      spacing: { after: 400 },
      children: [run(bulletin.publisher), run(`\t${bulletin.issuedOnLabel}`)],
    }),
  ];
  if (bulletin.editorNote) {
    children.push(
      new Paragraph({
        indent: { firstLine: 640 },
        spacing: { line: 560, lineRule: 'exact', after: 200 },
        children: [
          run('编者按：', { font: HEITI }),
          run(bulletin.editorNote, { font: { eastAsia: '楷体_GB2312' } }),
        ],
      }),
    );
  }
  for (const item of bulletin.items) {
    children.push(
      new Paragraph({
        alignment: AlignmentType.CENTER,
        spacing: { before: 300, after: 200 },
        children: [new TextRun({ text: item.title, size: SIZE_TITLE, font: XIAOBIAOSONG })],
      }),
      ...item.paragraphs.map(bodyParagraph),
      new Paragraph({
        alignment: AlignmentType.RIGHT,
        children: [run(`（${item.unitName}供稿）`, { size: SIZE_SMALL })],
      }),
    );
  }
  children.push(
    new Paragraph({
      spacing: { before: 600 },
      border: {
        top: { style: BorderStyle.SINGLE, size: 6, color: '000000', space: 4 },
        bottom: { style: BorderStyle.SINGLE, size: 6, color: '000000', space: 4 },
      },
      children: [
        run(`报送：${bulletin.submittedTo}`, { size: SIZE_SMALL }),
        ...(bulletin.copiedTo
          ? [run(`抄送：${bulletin.copiedTo}`, { size: SIZE_SMALL, break: 1 })]
          : []),
      ],
    }),
  );
  const document = new Document({
    title: `改革简报 ${bulletin.issueLabel}`,
    sections: [
      {
        properties: {
          page: {
            size: { width: 11906, height: 16838 },
            margin: { top: 2098, bottom: 1984, left: 1588, right: 1474 },
          },
        },
        children,
      },
    ],
  });
  return Packer.toBuffer(document);
}
