import { Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AttachmentsService } from '../attachments/attachments.service.js';
import type { AuthUser } from '../auth/auth-context.js';
import { Call, CurrentUser, Roles, type Caller } from '../auth/auth.decorators.js';
import { BUSINESS_ROLES } from '../auth/roles.js';
import {
  FormInvalidException,
  refuseRejectedUploads,
  type FieldErrors,
} from '../common/forms/form-validation.js';
import { uploadedFileIds } from '../common/forms/uploaded-files.js';
import { setFlash } from '../common/http/flash.js';
import { optionalId } from '../common/http/params.js';
import { asDownload, XLSX_MEDIA_TYPE } from '../common/http/download.js';
import { OnRecord, type RecordCall } from '../workflow/record-kit/record-call.js';
import { seeOther } from '../common/htmx/htmx-request.js';
import { chinaDate } from '../common/time/china-time.js';
import { Clock } from '../common/time/clock.js';
import { quarterLabel } from '../scoring/reports/report-periods.js';
import { refuseFiling } from '../workflow/record-kit/record-forms.js';
import { WorkflowPanelBuilder } from '../workflow/workflow-panel.js';
import { checkScoreTable, scoreField, scoreTableErrors, type ScoreInput } from './score-table.js';
import { SatisfactionService, type SatisfactionForm } from './satisfaction.service.js';
import { FormWithFiles } from '../attachments/form-uploads.js';

const asStrings = uploadedFileIds;

@Controller('satisfaction')
@Roles(...BUSINESS_ROLES)
export class SatisfactionController {
  constructor(
    private readonly satisfaction: SatisfactionService,
    private readonly panels: WorkflowPanelBuilder,
    private readonly attachments: AttachmentsService,
    private readonly clock: Clock,
  ) {}

  @Get()
  async index(@CurrentUser() user: AuthUser, @Res() reply: FastifyReply) {
    return reply.view('satisfaction/index.hbs', {
      title: '改革满意度',
      returns: await this.satisfaction.list(user),
      canFile: this.satisfaction.isSurveyCentre(user),
    });
  }

  /**
   * One district's approved score quarter by quarter (approved returns are read by everyone);
   * a district's own users land on their district.
   */
  @Get('history')
  async history(@Call() { user, query }: Caller, @Res() reply: FastifyReply) {
    const districts = await this.satisfaction.districts();
    const unitId =
      optionalId(query.unit, 'unit') ?? (user.unitKind === 'district' ? user.unitId : undefined);
    const district = districts.find((candidate) => candidate.id === unitId);
    const history = district ? await this.satisfaction.historyByDistrict(district.id) : [];
    return reply.view('satisfaction/history.hbs', {
      title: district ? `${district.name}改革满意度` : '区县改革满意度历史',
      districts,
      district,
      history: history.map((row) => ({
        quarterLabel: quarterLabel(row.quarter),
        score: row.score.toFixed(2),
      })),
    });
  }

  @Get('template')
  async template(@Res() reply: FastifyReply) {
    const file = { type: XLSX_MEDIA_TYPE, fallback: 'template.xlsx', name: '满意度得分模板.xlsx' };
    return asDownload(reply, file).send(await this.satisfaction.template());
  }

  @Get('new')
  @Roles('entry')
  async newForm(@CurrentUser() user: AuthUser, @Res() reply: FastifyReply) {
    return this.renderForm(reply, user, 200, {}, {});
  }

  /** The typed table: one `score_<unitId>` field per district (empty ones too: "请填写得分"). */
  @Post()
  @FormWithFiles()
  @Roles('entry')
  async create(@Call() { user, request, body, ip }: Caller, @Res() reply: FastifyReply) {
    const districts = await this.satisfaction.districts();
    const scores: ScoreInput[] = districts.map((district) => ({
      district: district.name,
      score: asStrings(body[scoreField(district.id)])[0] ?? '',
    }));
    const form: SatisfactionForm = {
      quarter: asStrings(body.quarter)[0] ?? '',
      conclusion: asStrings(body.conclusion)[0] ?? '',
      scores,
      report: asStrings(body.report),
      submit: body.submit === '1',
    };
    try {
      refuseRejectedUploads(body);
      const id = await this.satisfaction.create(form, user, ip);
      setFlash(reply, 'success', await this.panels.savedAnswer(id, Boolean(form.submit)));
      return seeOther(request, reply, `/satisfaction/${id}`);
    } catch (error) {
      if (error instanceof FormInvalidException) {
        return this.renderForm(reply, user, 422, body, error.errors);
      }
      throw error;
    }
  }

  // A reload after a refused save asks for the POST's address: back to the form, not a 404.
  @Get('import')
  @Roles('entry')
  importPage(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return seeOther(request, reply, '/satisfaction/new');
  }

  /** Excel import fills the table (nothing is saved); bad rows are named. */
  @Post('import')
  @HttpCode(200)
  @Roles('entry')
  async import(@Call() { user, request }: Caller, @Res() reply: FastifyReply) {
    const file = request.isMultipart()
      ? await request.file({ limits: { fileSize: 2 * 1024 * 1024 } })
      : undefined;
    const content = file ? await file.toBuffer().catch(() => undefined) : undefined;
    if (!content) {
      return this.renderForm(reply, user, 422, {}, { scores: ['请选择不超过 2 MB 的 Excel 文件'] });
    }
    try {
      const rows = await this.satisfaction.readWorkbook(content);
      const districts = await this.satisfaction.districts();
      const errors = scoreTableErrors(checkScoreTable(rows, districts), districts);
      const values: Record<string, unknown> = {};
      for (const row of rows) {
        const district = districts.find((candidate) => candidate.name === row.district.trim());
        // The first row of a district fills its input (a duplicate row is named at the top).
        if (district && !(scoreField(district.id) in values)) {
          values[scoreField(district.id)] = row.score;
        }
      }
      return this.renderForm(reply, user, Object.keys(errors).length ? 422 : 200, values, errors);
    } catch (error) {
      if (error instanceof FormInvalidException) {
        return this.renderForm(reply, user, 422, {}, error.errors);
      }
      throw error;
    }
  }

  @Get(':id')
  async show(@OnRecord() { id, user }: RecordCall, @Res() reply: FastifyReply) {
    const page = await this.satisfaction.page(id, user);
    const quarter = quarterLabel(page.record.quarter);
    const panel = await this.panels.build(page.item, user);
    return reply.view('satisfaction/show.hbs', {
      title: `${quarter}区县改革满意度`,
      ...page,
      quarterLabel: quarter,
      panel,
    });
  }

  private async renderForm(
    reply: FastifyReply,
    user: AuthUser,
    status: number,
    values: Record<string, unknown>,
    errors: FieldErrors,
  ) {
    if (!this.satisfaction.isSurveyCentre(user)) {
      return refuseFiling(reply, '区县改革满意度由市社情民意调查中心填报。');
    }
    // The year in China by the app's clock (not the server's zone or the wall clock in tests).
    const year = Number(chinaDate(this.clock.now()).slice(0, 4));
    const quarters = [year, year - 1]
      .flatMap((y) => [4, 3, 2, 1].map((q) => `${y}-Q${q}`))
      .map((code) => ({ code, label: quarterLabel(code) }));
    const districts = (await this.satisfaction.districts()).map((district) => ({
      ...district,
      field: scoreField(district.id),
      score: asStrings(values[scoreField(district.id)])[0] ?? '',
      error: errors[scoreField(district.id)]?.join('；'),
    }));
    return reply.code(status).view('satisfaction/form.hbs', {
      title: '填报区县改革满意度',
      values,
      errors,
      quarters,
      districts,
      files: await this.attachments.describe(asStrings(values.report), user),
    });
  }
}
