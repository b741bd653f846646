import {
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import ExcelJS from 'exceljs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Roles } from '../../auth/auth.decorators.js';
import type { FieldErrors } from '../../common/forms/form-validation.js';
import { seeOther } from '../../common/htmx/htmx-request.js';
import { assignBands } from '../calculation/bands.js';
import { scoreUnits, ScoringInputError } from '../calculation/efficacy.js';
import { parseScoreCsv, RATE_RULE } from '../calculation/score-csv.js';
import { rankingView } from '../reports/ranking-view.js';
import {
  IndicatorSystemsService,
  SYSTEM_KIND_LABELS,
  type IndicatorSystemRow,
} from '../systems/indicator-systems.service.js';
import { WhatIfTemplateService } from './what-if-template.service.js';
import {
  WORKBOOK_TOO_LARGE_MESSAGE,
  workbookArchiveProblem,
} from '../../common/files/workbook-archive.js';
import { lenientId, optionalId } from '../../common/http/params.js';
import { asDownload, XLSX_MEDIA_TYPE } from '../../common/http/download.js';

const MAX_TEXT = 200_000;
const MAX_UPLOAD = 2 * 1024 * 1024;

function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** A formula cell counts by its cached result; an error or a missing result reads as empty. */
function formulaResult(result: unknown): string {
  return typeof result === 'number' || typeof result === 'string' ? String(result) : '';
}

/**
 * A number Excel shows as a percentage (91.2% typed in a cell is stored as 0.912 with a % format)
 * as the text the sheet shows, "91.2%", so a rate reads as the percentage it was typed as.
 */
function percentText(value: number): string {
  return `${Number((value * 100).toPrecision(12))}%`;
}

/** The first sheet of a workbook as CSV text (formulas give their cached result). */
export async function workbookToCsv(content: Buffer): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(content as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  if (!sheet) {
    return '';
  }
  // An app export (a report's ranking) has a title block above its header: the header is the
  // row its autofilter is on, and the lines above it are not data.
  const filter = sheet.autoFilter as string | { from?: string } | undefined;
  const headerRow = Number(
    /\d+/.exec(typeof filter === 'string' ? filter : (filter?.from ?? ''))?.[0] ?? 1,
  );
  const lines: string[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    if (rowNumber < headerRow) {
      return;
    }
    const cells: string[] = [];
    for (let column = 1; column <= sheet.columnCount; column += 1) {
      const cell = row.getCell(column);
      const value = cell.value;
      const text =
        value === null || value === undefined
          ? ''
          : typeof value === 'object' && 'result' in value
            ? formulaResult(value.result)
            : typeof value === 'number' && cell.numFmt?.includes('%')
              ? percentText(value)
              : cell.text;
      cells.push(csvCell(text.trim()));
    }
    lines.push(cells.join(','));
  });
  return lines.join('\n');
}

/**
 * 指标测算: an office user pastes or uploads raw values per unit and sees the scores, ranks and
 * bands a chosen indicator system version gives. Nothing is stored.
 */
@Controller('what-if')
// Whoever edits indicator systems tries them here; nothing is stored.
@Roles('office', 'admin')
export class WhatIfController {
  constructor(
    private readonly systems: IndicatorSystemsService,
    private readonly templates: WhatIfTemplateService,
  ) {}

  /** The Excel template of a system version: its indicators as headers, one row per subject. */
  @Get('template')
  async template(@Query('system') systemId: string, @Res() reply: FastifyReply) {
    const template = await this.templates.build(optionalId(systemId, 'system'));
    if (!template) {
      throw new NotFoundException();
    }
    const file = { type: XLSX_MEDIA_TYPE, fallback: 'template.xlsx', name: template.fileName };
    return asDownload(reply, file).header('Cache-Control', 'no-store').send(template.content);
  }

  @Get()
  async form(@Query('system') systemId: string, @Res() reply: FastifyReply) {
    return this.render(reply, 200, optionalId(systemId, 'system'), '', {});
  }

  @Post()
  @HttpCode(200)
  async score(@Body() body: Record<string, string>, @Res() reply: FastifyReply) {
    return this.run(reply, lenientId(body?.system) ?? 0, String(body?.text ?? ''));
  }

  // A reload after a refused save asks for the POST's address: back to the form, not a 404.
  @Get('upload')
  uploadPage(
    @Query('system') systemId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const system = lenientId(systemId);
    return seeOther(request, reply, system ? `/what-if?system=${system}` : '/what-if');
  }

  /** Upload of a CSV or Excel file (multipart; the system id comes in the query). */
  @Post('upload')
  @HttpCode(200)
  async upload(
    @Query('system') systemId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const systemNumber = lenientId(systemId) ?? 0;
    const file = request.isMultipart()
      ? await request.file({ limits: { fileSize: MAX_UPLOAD } })
      : undefined;
    const content = file ? await file.toBuffer().catch(() => undefined) : undefined;
    if (!file || !content || file.file.truncated) {
      return this.render(reply, 422, systemNumber, '', {
        file: ['请选择不超过 2 MB 的 CSV 或 Excel 文件'],
      });
    }
    let text: string;
    if (content.subarray(0, 2).toString('latin1') === 'PK') {
      const unreadable = ['无法读取该 Excel 文件，请另存为 .xlsx 或 CSV 后重试'];
      const problem = workbookArchiveProblem(content);
      if (problem) {
        return this.render(reply, 422, systemNumber, '', {
          file: problem === 'too_large' ? [WORKBOOK_TOO_LARGE_MESSAGE] : unreadable,
        });
      }
      try {
        text = await workbookToCsv(content);
      } catch {
        return this.render(reply, 422, systemNumber, '', { file: unreadable });
      }
    } else {
      text = content.toString('utf8');
    }
    return this.run(reply, systemNumber, text);
  }

  private async run(reply: FastifyReply, systemId: number, text: string) {
    if (text.length > MAX_TEXT) {
      return this.render(reply, 422, systemId, '', { text: ['数据过长，请分批测算'] });
    }
    const choices = await this.choices();
    const system = choices.find((choice) => choice.id === systemId);
    if (!system) {
      return this.render(reply, 422, systemId, text, { system: ['请选择指标体系版本'] });
    }
    const parsed = parseScoreCsv(text, system.definition);
    if (parsed.errors.length > 0) {
      return this.render(reply, 422, systemId, text, { text: parsed.errors });
    }
    try {
      const results = scoreUnits(system.definition, parsed.units);
      const bandConfig = await this.systems.bandConfig(system.kind);
      const bands = assignBands(
        results.map((result) => result.total),
        results.map((result) => result.rank),
        bandConfig,
      );
      const ranking = rankingView(
        system.definition,
        bandConfig,
        results.map((result, index) => ({
          name: result.unit,
          raw: parsed.units[index].values,
          scores: result.indicators,
          firstLevels: result.firstLevels,
          deductions: result.deductions,
          total: result.total,
          rank: result.rank,
          band: bands[index],
          nothingDue: parsed.units[index].nothingDue,
        })),
      );
      return this.render(reply, 200, systemId, text, {}, ranking);
    } catch (error) {
      if (error instanceof ScoringInputError) {
        return this.render(reply, 422, systemId, text, { text: [error.message] });
      }
      throw error;
    }
  }

  private async choices(): Promise<IndicatorSystemRow[]> {
    const [district, project] = await Promise.all([
      this.systems.list('district'),
      this.systems.list('major_project'),
    ]);
    return [...district, ...project];
  }

  private async render(
    reply: FastifyReply,
    status: number,
    systemId: number | undefined,
    text: string,
    errors: FieldErrors,
    ranking?: ReturnType<typeof rankingView>,
  ) {
    const choices = await this.choices();
    const chosen =
      choices.find((choice) => choice.id === systemId) ??
      choices.find((choice) => choice.kind === 'district' && choice.status === 'active')!;
    const codes = chosen.definition.indicators.map((indicator) => indicator.code);
    return reply.code(status).view('scoring/what-if.hbs', {
      title: '指标测算',
      systems: choices.map((choice) => ({
        id: choice.id,
        label: `${SYSTEM_KIND_LABELS[choice.kind]} 第 ${choice.version} 版（${this.systems.statusLabel(choice.status)}）`,
        selected: choice.id === chosen.id,
      })),
      chosen,
      header: ['unit', ...codes].join(','),
      indicators: chosen.definition.indicators,
      text,
      errors,
      ranking,
      subjectLabel: chosen.kind === 'district' ? '区县' : '项目',
      rateRule: RATE_RULE,
    });
  }
}
