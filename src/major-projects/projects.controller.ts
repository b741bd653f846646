import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AttachmentsService } from '../attachments/attachments.service.js';
import type { AuthUser } from '../auth/auth-context.js';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { handleForm, type FieldErrors } from '../common/forms/form-validation.js';
import { setFlash } from '../common/http/flash.js';
import { filterField, ledgerQuery, optionsOf } from '../common/http/ledger-query.js';
import { seeOther } from '../common/htmx/htmx-request.js';
import { chinaDate } from '../common/time/china-time.js';
import type { ExcelColumn } from '../exports/excel-export.js';
import { LedgerExports } from '../exports/ledger-exports.js';
import { WORKFLOW_STATE_LABELS, type WorkflowState } from '../workflow/workflow-chain.js';
import { ProjectFormDto } from './project-form.dto.js';
import { PROJECT_STATUS_LABELS, type ProjectStatus } from './project-labels.js';
import { ProjectPageService } from './project-page.service.js';
import { ProjectsService, type ProjectRow } from './projects.service.js';
import { Clock } from '../common/time/clock.js';
import { RecordFormViews } from '../workflow/record-kit/record-forms.js';
import { FormWithFiles } from '../attachments/form-uploads.js';

function mapStateLabel(row: ProjectRow): string {
  if (row.current_version !== null) {
    return `已下发（第 ${row.current_version} 版）`;
  }
  return row.map_state === 'draft'
    ? '待绘制'
    : `作战图${WORKFLOW_STATE_LABELS[row.map_state as WorkflowState]}`;
}

const COLUMNS: ExcelColumn<ProjectRow>[] = [
  { header: '项目名称', width: 40, value: (row) => row.name },
  { header: '所属领域', width: 16, value: (row) => row.domain },
  { header: '责任单位', width: 18, value: (row) => row.responsible_unit },
  { header: '牵头市领导', width: 14, value: (row) => row.lead_leader },
  { header: '状态', width: 10, value: (row) => row.statusLabel },
  { header: '作战图年度', width: 10, value: (row) => row.plan_year },
  { header: '作战图', width: 18, value: (row) => mapStateLabel(row) },
];

const PROJECT_STATUSES = Object.keys(PROJECT_STATUS_LABELS) as ProjectStatus[];
const LEDGER = ledgerQuery({
  q: filterField.text('q'),
  domainId: filterField.id('domain'),
  unitId: filterField.id('unit'),
  status: filterField.oneOf('status', PROJECT_STATUSES),
});
const statusOptions = optionsOf(PROJECT_STATUSES, PROJECT_STATUS_LABELS);

@Controller('major-projects')
export class ProjectsController {
  constructor(
    private readonly projects: ProjectsService,
    private readonly ledgerExports: LedgerExports,
    private readonly pages: ProjectPageService,
    private readonly attachments: AttachmentsService,
    private readonly views: RecordFormViews,
    private readonly clock: Clock,
  ) {}

  @Get()
  // Admins read every project's page (DESIGN §1: all approved data), so the list too.
  @Roles('entry', 'reviewer', 'office', 'leader', 'admin')
  async index(
    @Query() query: Record<string, string>,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const filter = LEDGER.parse(query);
    const page = LEDGER.page(
      '/major-projects',
      query,
      filter,
      await this.projects.ledger(user, filter),
    );
    return reply.view('major-projects/index.hbs', {
      title: '市级重大改革项目',
      ...page,
      rows: page.rows.map((row) => ({ ...row, mapLabel: mapStateLabel(row) })),
      ...(await this.projects.formOptions()),
      statusOptions,
      canCreate: user.roles.includes('office'),
    });
  }

  @Get('export')
  @Roles('entry', 'reviewer', 'office', 'leader', 'admin')
  async export(
    @Query() query: Record<string, string>,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const filter = LEDGER.parse(query);
    await this.ledgerExports.stream(
      reply,
      {
        label: '市级重大改革项目台账',
        today: chinaDate(this.clock.now()),
        columns: COLUMNS,
        filters: await this.ledgerExports.filters([
          { label: '领域', dictionaryId: filter.domainId },
          { label: '责任单位', unitId: filter.unitId },
          { label: '状态', value: filter.status && PROJECT_STATUS_LABELS[filter.status] },
          { label: '关键词', value: filter.q },
        ]),
      },
      (page, pageSize, db) => this.projects.ledger(user, { ...filter, page }, pageSize, db),
    );
  }

  @Get('new')
  @Roles('office')
  newForm(@CurrentUser() user: AuthUser, @Res() reply: FastifyReply) {
    const values = { planYear: new Date().getFullYear() };
    return this.renderForm(reply, 200, undefined, values, {}, user);
  }

  @Post()
  @FormWithFiles()
  @Roles('office')
  create(
    @Body() body: unknown,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const save = async (data: ProjectFormDto) => this.projects.create(data, user);
    return this.saveForm(request, reply, body, undefined, user, save);
  }

  @Get(':id')
  @Roles('entry', 'reviewer', 'office', 'leader', 'admin')
  async show(@Param('id') id: string, @CurrentUser() user: AuthUser, @Res() reply: FastifyReply) {
    return reply.view('major-projects/show.hbs', await this.pages.build(id, user));
  }

  @Get(':id/edit')
  @Roles('office')
  async editForm(
    @Param('id') id: string,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const project = await this.projects.find(id, user);
    return this.renderForm(
      reply,
      200,
      project,
      {
        name: project.name,
        domainId: project.domain_id,
        responsibleUnitId: project.responsible_unit_id,
        leadLeader: project.lead_leader,
        planYear: project.plan_year,
        closed: project.status === 'closed',
      },
      {},
      user,
    );
  }

  @Post(':id/edit')
  @FormWithFiles()
  @Roles('office')
  async update(
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const project = await this.projects.find(id, user);
    const save = async (data: ProjectFormDto) => {
      await this.projects.update(id, data, user);
      return id;
    };
    return this.saveForm(request, reply, body, project, user, save);
  }

  /** POST of the base-info form (new or edit): 422 in place, else saved and back to the project. */
  private saveForm(
    request: FastifyRequest,
    reply: FastifyReply,
    body: unknown,
    project: ProjectRow | undefined,
    user: AuthUser,
    save: (data: ProjectFormDto) => Promise<string>,
  ) {
    return handleForm(
      ProjectFormDto,
      body,
      (values, errors) => this.renderForm(reply, 422, project, values, errors, user),
      async (data) => {
        const id = await save(data);
        setFlash(
          reply,
          'success',
          project ? '项目基础信息已保存' : '项目已录入，已交责任单位绘制项目作战图',
        );
        return seeOther(request, reply, `/major-projects/${id}`);
      },
      (form, failed) => this.projects.formErrors(form, project, failed),
    );
  }

  private async renderForm(
    reply: FastifyReply,
    status: number,
    project: ProjectRow | undefined,
    values: Record<string, unknown>,
    errors: FieldErrors,
    user: AuthUser,
  ) {
    const stored = project
      ? (await this.attachments.listForItem(project.map_lineage_id)).filter(
          (file) => file.field === 'reform_plan',
        )
      : [];
    const files = await this.views.files(values, 'reformPlan', stored, user);
    return reply.code(status).view('major-projects/form.hbs', {
      title: project ? '修改项目基础信息' : '录入市级重大改革项目',
      project,
      values,
      errors,
      files,
      ...(await this.projects.formOptions()),
    });
  }
}
