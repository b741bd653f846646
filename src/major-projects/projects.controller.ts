import { Controller, Get, Inject, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AttachmentsService } from '../attachments/attachments.service.js';
import type { AuthUser } from '../auth/auth-context.js';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import type { FieldErrors } from '../common/forms/form-validation.js';
import { filterField, ledgerQuery } from '../common/http/ledger-query.js';
import type { ExcelColumn } from '../exports/excel-export.js';
import { LedgerExports } from '../exports/ledger-exports.js';
import { WORKFLOW_STATE_LABELS, type WorkflowState } from '../workflow/workflow-chain.js';
import { ProjectFormDto } from './project-form.dto.js';
import { PROJECT_STATUS, PROJECT_STATUS_LABELS } from './project-labels.js';
import { ProjectPageService } from './project-page.service.js';
import { ProjectsService, type ProjectRow } from './projects.service.js';
import { Clock } from '../common/time/clock.js';
import { Posted, RecordFormViews, type PostedForm } from '../workflow/record-kit/record-forms.js';
import { FormWithFiles } from '../attachments/form-uploads.js';
import { LedgerRoutes, type LedgerReader } from '../workflow/record-kit/ledger-routes.js';
import { saveForm } from '../workflow/record-kit/save-form.js';

type ProjectLedgerRow = ProjectRow & { mapLabel: string };

function mapStateLabel(row: ProjectRow): string {
  if (row.current_version !== null) {
    return `已下发（第 ${row.current_version} 版）`;
  }
  return row.map_state === 'draft'
    ? '待绘制'
    : `作战图${WORKFLOW_STATE_LABELS[row.map_state as WorkflowState]}`;
}

const COLUMNS: ExcelColumn<ProjectLedgerRow>[] = [
  { header: '项目名称', width: 40, value: (row) => row.name },
  { header: '所属领域', width: 16, value: (row) => row.domain },
  { header: '责任单位', width: 18, value: (row) => row.responsible_unit },
  { header: '牵头市领导', width: 14, value: (row) => row.lead_leader },
  { header: '状态', width: 10, value: (row) => row.statusLabel },
  { header: '作战图年度', width: 10, value: (row) => row.plan_year },
  { header: '作战图', width: 18, value: (row) => row.mapLabel },
];

const LEDGER = ledgerQuery({
  q: filterField.text('q'),
  domainId: filterField.id('domain'),
  unitId: filterField.id('unit'),
  status: filterField.oneOf('status', PROJECT_STATUS.codes),
});
type ProjectFilter = ReturnType<typeof LEDGER.parse>;

// Admins read every project's page (DESIGN §1: all approved data), so the list too.
@Controller('major-projects')
@Roles('entry', 'reviewer', 'office', 'leader', 'admin')
export class ProjectsController extends LedgerRoutes({
  path: '/major-projects',
  view: 'major-projects/index.hbs',
  title: '市级重大改革项目',
  exportLabel: '市级重大改革项目台账',
  query: LEDGER,
  columns: COLUMNS,
}) {
  // Injected as properties: the ledger's base class takes no constructor arguments.
  @Inject(ProjectsService) private readonly projects!: ProjectsService;
  @Inject(ProjectPageService) private readonly pages!: ProjectPageService;
  @Inject(AttachmentsService) private readonly attachments!: AttachmentsService;
  @Inject(RecordFormViews) private readonly views!: RecordFormViews;
  @Inject(LedgerExports) protected readonly ledgerExports!: LedgerExports;
  @Inject(Clock) protected readonly clock!: Clock;

  protected readonly ledgerRows: LedgerReader<ProjectFilter, ProjectLedgerRow> = async (
    ...args
  ) => {
    const { rows, total } = await this.projects.ledger(...args);
    return { total, rows: rows.map((row) => ({ ...row, mapLabel: mapStateLabel(row) })) };
  };

  protected async ledgerExtras(user: AuthUser) {
    return {
      ...(await this.projects.formOptions()),
      statusOptions: PROJECT_STATUS.options(),
      canCreate: user.roles.includes('office'),
    };
  }

  protected override exportFilters(filter: ProjectFilter) {
    return this.ledgerExports.filters([
      { label: '领域', dictionaryId: filter.domainId },
      { label: '责任单位', unitId: filter.unitId },
      { label: '状态', value: filter.status && PROJECT_STATUS_LABELS[filter.status] },
      { label: '关键词', value: filter.q },
    ]);
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
  create(@Posted() post: PostedForm, @Res() reply: FastifyReply) {
    return this.saveForm(post, reply, undefined, (data) => this.projects.create(data, post.user));
  }

  @Get(':id')
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
    const values = {
      name: project.name,
      domainId: project.domain_id,
      responsibleUnitId: project.responsible_unit_id,
      leadLeader: project.lead_leader,
      planYear: project.plan_year,
      closed: project.status === 'closed',
    };
    return this.renderForm(reply, 200, project, values, {}, user);
  }

  @Post(':id/edit')
  @FormWithFiles()
  @Roles('office')
  async update(@Param('id') id: string, @Posted() post: PostedForm, @Res() reply: FastifyReply) {
    const project = await this.projects.find(id, post.user);
    return this.saveForm(post, reply, project, async (data) => {
      await this.projects.update(id, data, post.user);
      return id;
    });
  }

  /** POST of the base-info form (new or edit): 422 in place, else saved and back to the project. */
  private saveForm(
    post: PostedForm,
    reply: FastifyReply,
    project: ProjectRow | undefined,
    save: (data: ProjectFormDto) => Promise<string>,
  ) {
    const form = {
      dto: ProjectFormDto,
      rules: (data: ProjectFormDto, failed: ReadonlySet<string>) =>
        this.projects.formErrors(data, project, failed),
      rerender: (values: Record<string, unknown>, errors: FieldErrors) =>
        this.renderForm(reply, 422, project, values, errors, post.user),
      link: (id: string) => `/major-projects/${id}`,
      flash: project ? '项目基础信息已保存' : '项目已录入，已交责任单位绘制项目作战图',
    };
    return saveForm(post.request, reply, post.body, form, save);
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
    return reply.code(status).view('major-projects/form.hbs', {
      title: project ? '修改项目基础信息' : '录入市级重大改革项目',
      project,
      values,
      errors,
      files: await this.views.files(values, 'reformPlan', stored, user),
      ...(await this.projects.formOptions()),
    });
  }
}
