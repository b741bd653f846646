import { Injectable, NotFoundException } from '@nestjs/common';
import ExcelJS from 'exceljs';
import {
  addChoices,
  addDropdown,
  addNumberRange,
  columnCells,
} from '../exports/template-validation.js';
import { AttachmentsService } from '../attachments/attachments.service.js';
import type { AuthUser } from '../auth/auth-context.js';
import { hasRole } from '../auth/auth-context.js';
import {
  CONTROL_CHARACTER_MESSAGE,
  FormInvalidException,
  hasControlCharacters,
} from '../common/forms/form-validation.js';
import { quarterLabel } from '../scoring/reports/report-periods.js';
import { WORKFLOW_STATE_LABELS } from '../workflow/workflow-chain.js';
import { insertRow } from '../database/sql.js';
import { RecordKit } from '../workflow/record-kit/record-kit.js';
import { SATISFACTION_TYPE, SatisfactionQueries } from './satisfaction.queries.js';
import { checkScoreTable, scoreTableErrors, type ScoreInput } from './score-table.js';
import {
  WORKBOOK_TOO_LARGE_MESSAGE,
  workbookArchiveProblem,
} from '../common/files/workbook-archive.js';
import { visibleRecord } from '../workflow/record-kit/visible-record.js';

export { SATISFACTION_TYPE } from './satisfaction.queries.js';

/** The template's sheet (extra sheets, such as instructions, are ignored). */
const SCORE_SHEET = '满意度得分';

/**
 * A score cell as the text a person sees, for the row checks and their messages: formulas are not
 * read (（公式）), a date shows as its day, an error as its code (#DIV/0!).
 */
function scoreCellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) {
    return '';
  }
  if (value instanceof Date) {
    return value.toISOString().slice(0, 10);
  }
  if (typeof value !== 'object') {
    return String(value);
  }
  if ('richText' in value) {
    return value.richText.map((part) => part.text).join('');
  }
  if ('formula' in value || 'sharedFormula' in value) {
    return '（公式）';
  }
  if ('error' in value) {
    return String(value.error);
  }
  return 'text' in value ? String(value.text) : '';
}

/** 调查结论: as long as the form's text area allows. */
export const CONCLUSION_MAX = 5000;

export interface SatisfactionForm {
  quarter: string;
  conclusion: string;
  scores: ScoreInput[];
  report: string[];
  submit: boolean;
}

/**
 * 区县改革满意度: the survey centre files one return per quarter with a score for every district,
 * the survey report and the conclusion; the office confirms it (officeOnly chain).
 */
@Injectable()
export class SatisfactionService {
  constructor(
    private readonly kit: RecordKit,
    private readonly queries: SatisfactionQueries,
    private readonly attachments: AttachmentsService,
  ) {}

  districts(): Promise<{ id: number; name: string }[]> {
    return this.queries.districts();
  }

  isSurveyCentre(user: AuthUser): boolean {
    return hasRole(user, 'entry') && user.unitCapabilities.includes('survey_center');
  }

  async create(form: SatisfactionForm, user: AuthUser, ip?: string): Promise<string> {
    if (!this.isSurveyCentre(user)) {
      throw new NotFoundException();
    }
    const errors: Record<string, string[]> = {};
    if (!/^20\d{2}-Q[1-4]$/.test(form.quarter)) {
      errors.quarter = ['请选择季度'];
    }
    const conclusion = form.conclusion.trim();
    if (conclusion === '') {
      errors.conclusion = ['请填写调查结论'];
    } else if (conclusion.length > CONCLUSION_MAX) {
      errors.conclusion = [`调查结论不能超过 ${CONCLUSION_MAX} 字`];
    } else if (hasControlCharacters(conclusion)) {
      errors.conclusion = [CONTROL_CHARACTER_MESSAGE];
    }
    if (form.submit && form.report.length === 0) {
      errors.report = ['请上传调查报告'];
    }
    const districts = await this.districts();
    const table = checkScoreTable(form.scores, districts);
    Object.assign(errors, scoreTableErrors(table, districts));
    if (!errors.quarter && (await this.queries.quarterTaken(form.quarter))) {
      errors.quarter = [
        `${quarterLabel(form.quarter)}已有满意度报表，如需更正请在原报表上发起变更`,
      ];
    }
    if (Object.keys(errors).length > 0) {
      throw new FormInvalidException(errors);
    }
    return this.kit.fileRecord(
      {
        type: SATISFACTION_TYPE,
        title: `${quarterLabel(form.quarter)}区县改革满意度`,
        ownerUnitId: user.unitId,
        files: { report: form.report },
        submit: form.submit,
      },
      user,
      ip,
      async (manager, id) => {
        await insertRow(manager, 'satisfaction_returns', {
          id,
          lineage_id: id,
          unit_id: user.unitId,
          quarter: form.quarter,
          conclusion,
        });
        await this.queries.insertScores(manager, id, table.scores);
      },
    );
  }

  /**
   * Reads the 区县 / 得分 columns of an uploaded template into score rows (row numbers as in
   * Excel). The file must be a workbook that inflates to a sane size and carry the template's
   * header; the template's sheet is found by name among extra sheets.
   */
  async readWorkbook(content: Buffer): Promise<ScoreInput[]> {
    const unreadable = '无法读取该文件，请使用下载的模板（.xlsx）';
    const problem = workbookArchiveProblem(content);
    if (problem) {
      throw FormInvalidException.field(
        'scores',
        problem === 'too_large' ? WORKBOOK_TOO_LARGE_MESSAGE : unreadable,
      );
    }
    const workbook = new ExcelJS.Workbook();
    try {
      await workbook.xlsx.load(content as unknown as ArrayBuffer);
    } catch {
      throw FormInvalidException.field('scores', unreadable);
    }
    const sheet = workbook.getWorksheet(SCORE_SHEET) ?? workbook.worksheets[0];
    const header = sheet?.getRow(1);
    if (
      !sheet ||
      !header ||
      scoreCellText(header.getCell(1).value).trim() !== '区县' ||
      !scoreCellText(header.getCell(2).value).trim().startsWith('得分')
    ) {
      throw FormInvalidException.field(
        'scores',
        '表头与模板不一致（第 1 行应为“区县”“得分”），请下载模板后填写',
      );
    }
    const rows: ScoreInput[] = [];
    sheet.eachRow((row, rowNumber) => {
      if (rowNumber === 1) {
        return;
      }
      const district = scoreCellText(row.getCell(1).value).trim();
      if (district !== '') {
        rows.push({
          row: rowNumber,
          district,
          score: scoreCellText(row.getCell(2).value),
          // A merged cell repeats one value in every row it covers: never taken silently.
          merged: row.getCell(1).isMerged || row.getCell(2).isMerged,
        });
      }
    });
    return rows;
  }

  async template(): Promise<Buffer> {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('满意度得分', { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = [
      { header: '区县', key: 'district', width: 28 },
      { header: '得分（0–100，最多两位小数）', key: 'score', width: 28 },
    ];
    sheet.getRow(1).font = { bold: true };
    const districts = await this.districts();
    for (const district of districts) {
      sheet.addRow({ district: district.name });
    }
    const help = workbook.addWorksheet('填写说明');
    help.columns = [{ width: 16 }, { width: 80 }];
    help.addRows([
      ['区县', `已列出全部 ${districts.length} 个区县，请勿改名、增删；也可从下拉列表中选择。`],
      ['得分', '0–100 的数字，最多两位小数，如 92.35；每个区县都要填。'],
      ['表头', '第 1 行表头不要改动；系统只读取“满意度得分”这张表。'],
      ['注意', '不支持公式和合并单元格；任意一行有误则整份不导入，页面会列出出错的行。'],
    ]);
    help.getColumn(1).font = { bold: true };
    help.getColumn(2).alignment = { wrapText: true, vertical: 'top' };
    const [names] = addChoices(help, [
      { header: '区县', values: districts.map((district) => district.name) },
    ]);
    addDropdown(sheet, columnCells(sheet, 1, districts.length), names, {
      title: '区县',
      text: '请从下拉列表中选择区县',
      strict: true,
    });
    addNumberRange(sheet, columnCells(sheet, 2, districts.length), {
      min: 0,
      max: 100,
      title: '得分',
      text: '请填写 0–100 的数字，最多两位小数',
    });
    return Buffer.from(await workbook.xlsx.writeBuffer());
  }

  async page(id: string, user: AuthUser) {
    const { item, row } = await visibleRecord(this.kit, SATISFACTION_TYPE, id, user, this.queries);
    return {
      item,
      record: row,
      scores: await this.queries.scores(id),
      files: await this.attachments.listForItem(id),
    };
  }

  async list(user: AuthUser) {
    return (await this.queries.list(user)).map((row) => ({
      ...row,
      quarterLabel: quarterLabel(row.quarter),
      stateLabel: WORKFLOW_STATE_LABELS[row.state],
    }));
  }

  /** Quarter by quarter, the approved score of a district (the cockpit's trend). */
  historyByDistrict(unitId: number) {
    return this.queries.historyByDistrict(unitId);
  }

  /** The quarter's approved score of every district (the one approved last counts). */
  scoresForQuarter(quarter: string) {
    return this.queries.scoresForQuarter(quarter);
  }

  /** The latest quarter up to `quarter` (included) with approved scores, if any. */
  latestApprovedQuarter(quarter: string): Promise<string | undefined> {
    return this.queries.latestApprovedQuarter(quarter);
  }

  /** Quarter by quarter, the city's mean, lowest and highest approved district score. */
  cityTrend() {
    return this.queries.cityTrend();
  }
}
