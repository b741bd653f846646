import { Injectable, NotFoundException } from '@nestjs/common';
import ExcelJS from 'exceljs';
import {
  addChoices,
  addDropdown,
  addNumberRange,
  columnCells,
} from '../exports/template-validation.js';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AttachmentsService } from '../attachments/attachments.service.js';
import type { AuthUser } from '../auth/auth-context.js';
import { hasRole, seesAllApproved } from '../auth/auth-context.js';
import {
  CONTROL_CHARACTER_MESSAGE,
  FormInvalidException,
  hasControlCharacters,
} from '../common/forms/form-validation.js';
import { quarterLabel } from '../scoring/reports/report-periods.js';
import { WORKFLOW_STATE_LABELS, type WorkflowState } from '../workflow/workflow-chain.js';
import { WorkflowService } from '../workflow/workflow.service.js';
import { checkScoreTable, scoreTableErrors, type ScoreInput } from './score-table.js';
import {
  WORKBOOK_TOO_LARGE_MESSAGE,
  workbookArchiveProblem,
} from '../common/files/workbook-archive.js';

export const SATISFACTION_TYPE = 'satisfaction_return';

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
    private readonly dataSource: DataSource,
    private readonly workflow: WorkflowService,
    private readonly attachments: AttachmentsService,
  ) {}

  districts(): Promise<{ id: number; name: string }[]> {
    return this.dataSource.query(
      `SELECT id, name FROM units WHERE kind = 'district' AND active ORDER BY sort_order`,
    );
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
    const taken: { count: number }[] = errors.quarter
      ? []
      : await this.dataSource.query(
          `SELECT count(*)::int AS count FROM satisfaction_returns WHERE quarter = $1`,
          [form.quarter],
        );
    if ((taken[0]?.count ?? 0) > 0) {
      errors.quarter = [
        `${quarterLabel(form.quarter)}已有满意度报表，如需更正请在原报表上发起变更`,
      ];
    }
    if (Object.keys(errors).length > 0) {
      throw new FormInvalidException(errors);
    }
    const id = randomUUID();
    await this.dataSource.transaction(async (manager) => {
      await this.workflow.createDraft(
        manager,
        {
          type: SATISFACTION_TYPE,
          id,
          title: `${quarterLabel(form.quarter)}区县改革满意度`,
          ownerUnitId: user.unitId,
        },
        user,
      );
      await manager.query(
        `INSERT INTO satisfaction_returns (id, lineage_id, unit_id, quarter, conclusion) VALUES ($1, $1, $2, $3, $4)`,
        [id, user.unitId, form.quarter, conclusion],
      );
      for (const [unitId, score] of table.scores) {
        await manager.query(
          `INSERT INTO satisfaction_scores (return_id, unit_id, score) VALUES ($1, $2, $3)`,
          [id, unitId, score],
        );
      }
      await this.attachments.linkToItem(manager, id, 'report', form.report, user);
      if (form.submit) {
        await this.workflow.transition(id, { action: 'submit' }, user, ip, manager);
      }
    });
    return id;
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
    const item = await this.workflow.findVisibleItem(id, user);
    const returns: { quarter: string; conclusion: string }[] = await this.dataSource.query(
      `SELECT quarter, conclusion FROM satisfaction_returns WHERE id = $1`,
      [id],
    );
    if (!returns[0] || item.record_type !== SATISFACTION_TYPE) {
      throw new NotFoundException();
    }
    const scores: { unit_id: number; unit_name: string; score: string }[] =
      await this.dataSource.query(
        `SELECT s.unit_id, u.name AS unit_name, s.score::text FROM satisfaction_scores s JOIN units u ON u.id = s.unit_id WHERE s.return_id = $1 ORDER BY u.sort_order`,
        [id],
      );
    return { item, record: returns[0], scores, files: await this.attachments.listForItem(id) };
  }

  async list(user: AuthUser) {
    const rows = await this.dataSource.query<
      { id: string; quarter: string; state: WorkflowState; updated_at: Date }[]
    >(
      `SELECT r.id, r.quarter, wi.state, wi.updated_at FROM satisfaction_returns r JOIN workflow_items wi ON wi.id = r.id
        WHERE r.unit_id = $1 OR (wi.is_current_approved AND ${seesAllApproved(user)}) ORDER BY r.quarter DESC`,
      [user.unitId],
    );
    return rows.map((row) => ({
      ...row,
      quarterLabel: quarterLabel(row.quarter),
      stateLabel: WORKFLOW_STATE_LABELS[row.state],
    }));
  }

  /** Quarter by quarter, the approved score of a district (the cockpit's trend). */
  historyByDistrict(unitId: number): Promise<{ quarter: string; score: number }[]> {
    return this.dataSource
      .query<{ quarter: string; score: string }[]>(
        `SELECT r.quarter, s.score::text FROM satisfaction_scores s
           JOIN satisfaction_returns r ON r.id = s.return_id
           JOIN workflow_items wi ON wi.id = r.id AND wi.is_current_approved
          WHERE s.unit_id = $1 ORDER BY r.quarter`,
        [unitId],
      )
      .then((rows) => rows.map((row) => ({ quarter: row.quarter, score: Number(row.score) })));
  }

  /**
   * The quarter's approved score of every district (exact decimal text); when several returns of
   * the quarter were approved, the one approved last counts.
   */
  scoresForQuarter(
    quarter: string,
  ): Promise<{ unitId: number; score: string; returnId: string }[]> {
    return this.dataSource
      .query<{ unit_id: number; score: string; return_id: string }[]>(
        `SELECT DISTINCT ON (s.unit_id) s.unit_id, s.score::text, r.id AS return_id
           FROM satisfaction_scores s
           JOIN satisfaction_returns r ON r.id = s.return_id AND r.quarter = $1
           JOIN workflow_items wi ON wi.id = r.id AND wi.is_current_approved
          ORDER BY s.unit_id, wi.approved_at DESC`,
        [quarter],
      )
      .then((rows) =>
        rows.map((row) => ({ unitId: row.unit_id, score: row.score, returnId: row.return_id })),
      );
  }

  /** The latest quarter up to `quarter` (included) with approved scores, if any. */
  async latestApprovedQuarter(quarter: string): Promise<string | undefined> {
    const rows = await this.dataSource.query<{ quarter: string | null }[]>(
      `SELECT max(r.quarter) AS quarter FROM satisfaction_returns r
         JOIN workflow_items wi ON wi.id = r.id AND wi.is_current_approved
        WHERE r.quarter <= $1`,
      [quarter],
    );
    return rows[0]?.quarter ?? undefined;
  }

  /** Quarter by quarter, the city's mean, lowest and highest approved district score (cockpit trend). */
  cityTrend(): Promise<{ quarter: string; mean: number; min: number; max: number }[]> {
    return this.dataSource
      .query<{ quarter: string; mean: string; min: string; max: string }[]>(
        `SELECT quarter, round(avg(score), 2)::text AS mean, min(score)::text AS min, max(score)::text AS max
           FROM (SELECT DISTINCT ON (r.quarter, s.unit_id) r.quarter, s.score
                   FROM satisfaction_scores s
                   JOIN satisfaction_returns r ON r.id = s.return_id
                   JOIN workflow_items wi ON wi.id = r.id AND wi.is_current_approved
                  ORDER BY r.quarter, s.unit_id, wi.approved_at DESC) latest
          GROUP BY quarter ORDER BY quarter`,
      )
      .then((rows) =>
        rows.map((row) => ({
          quarter: row.quarter,
          mean: Number(row.mean),
          min: Number(row.min),
          max: Number(row.max),
        })),
      );
  }
}
