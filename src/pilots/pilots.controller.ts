import { Controller, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { TASK_STATUS_LABELS } from '../assignments/task-due-rules.js';
import type { AuthUser } from '../auth/auth-context.js';
import { Roles } from '../auth/auth.decorators.js';
import { BUSINESS_ROLES } from '../auth/roles.js';
import { type FieldErrors, handleForm } from '../common/forms/form-validation.js';
import { setFlash } from '../common/http/flash.js';
import { filterField, ledgerQuery, optionsOf } from '../common/http/ledger-query.js';
import { lenientId } from '../common/http/params.js';
import { seeOther } from '../common/htmx/htmx-request.js';
import { Clock } from '../common/time/clock.js';
import type { ExcelColumn } from '../exports/excel-export.js';
import { LedgerExports } from '../exports/ledger-exports.js';
import { dateColumn } from '../workflow/record-kit/excel-columns.js';
import { LedgerRoutes, type LedgerReader } from '../workflow/record-kit/ledger-routes.js';
import { checkboxField } from '../workflow/record-kit/listing-page.js';
import { Posted, RecordFormViews, type PostedForm } from '../workflow/record-kit/record-forms.js';
import { UnitRecordRoutes } from '../workflow/record-kit/unit-record-routes.js';
import { WORKFLOW_STATES, WORKFLOW_STATE_LABELS } from '../workflow/workflow-chain.js';
import {
  WorkflowConflictException,
  WorkflowActionRefusedException,
} from '../workflow/workflow.exception.js';
import { WorkflowPanelBuilder } from '../workflow/workflow-panel.js';
import { PilotConfirmationDto, PilotFormDto } from './dto/pilot-form.dto.js';
import { PILOT_FORM } from './pilots.queries.js';
import { PILOT_LEVEL_LABELS, PilotsService } from './pilots.service.js';

const LEDGER = ledgerQuery({
  unitId: filterField.id('unit'),
  competentUnitId: filterField.id('competent'),
  level: filterField.oneOf('level', ['national', 'municipal'] as const),
  state: filterField.oneOf('state', WORKFLOW_STATES),
  due: checkboxField('due'),
  accepted: checkboxField('accepted'),
  q: filterField.text('q'),
});
type PilotLedgerFilter = ReturnType<typeof LEDGER.parse>;
const stateOptions = optionsOf(WORKFLOW_STATES, WORKFLOW_STATE_LABELS);

const link = (id: string) => `/pilots/${id}`;

/** The districts as checkboxes, those among `values` ticked. */
function districtChoices(districts: { id: number; name: string }[], values: unknown) {
  const ticked = (Array.isArray(values) ? values : [values]).map(String);
  return districts.map((district) => ({
    ...district,
    checked: ticked.includes(String(district.id)),
  }));
}

type PilotLedgerRow = Awaited<ReturnType<PilotsService['ledger']>>['rows'][number];

const PILOT_COLUMNS: ExcelColumn<PilotLedgerRow>[] = [
  { header: '试点名称', width: 36, value: (row) => row.name },
  { header: '试点层级', width: 10, value: (row) => row.levelLabel },
  { header: '部署文件名称', width: 36, value: (row) => row.document_title },
  { header: '文号', width: 22, value: (row) => row.document_number },
  { header: '部署单位', width: 18, value: (row) => row.issuer },
  dateColumn('部署时间', 12, (row) => row.deployed_on),
  { header: '试点主管部门', width: 16, value: (row) => row.competent_unit_name },
  { header: '涉及区县', width: 30, value: (row) => row.involved_unit_names.join('、') },
  dateColumn('应验收时间', 12, (row) => row.acceptance_due),
  { header: '领域', width: 14, value: (row) => row.domain },
  { header: '跑道', width: 14, value: (row) => row.track },
  { header: '全市所有区县开展', width: 10, value: (row) => (row.citywide ? '是' : '否') },
  { header: '创建区县', width: 12, value: (row) => row.creator_unit_name },
  { header: '状态', width: 10, value: (row) => row.stateLabel },
];

type PilotPage = Awaited<ReturnType<PilotsService['page']>>;

/**
 * 改革试点: the ledger and its export (the record kit's LedgerRoutes), the pilot form (new / create
 * / show / edit / update / revise from UnitRecordRoutes) and the competent department's 确认分发.
 */
@Controller('pilots')
@Roles(...BUSINESS_ROLES)
export class PilotsController extends LedgerRoutes(
  { path: '/pilots', title: '改革试点台账', query: LEDGER, columns: PILOT_COLUMNS },
  UnitRecordRoutes<PilotFormDto, PilotPage>(
    PilotFormDto,
    { revise: true, link, files: { pdfOnly: ['document'] } },
    {
      view: 'pilots/form.hbs',
      title: { create: '试点项目录入', edit: '修改试点项目' },
      filesField: 'document',
    },
  ),
) {
  protected readonly ledgerRows: LedgerReader<PilotLedgerFilter, PilotLedgerRow> = (...args) =>
    this.records.ledger(...args);

  constructor(
    protected readonly records: PilotsService,
    protected readonly ledgerExports: LedgerExports,
    protected readonly panels: WorkflowPanelBuilder,
    protected readonly views: RecordFormViews,
    protected readonly clock: Clock,
  ) {
    super();
  }

  protected async ledgerExtras(user: AuthUser) {
    return {
      ...(await this.records.formOptions()),
      stateOptions,
      canCreate: user.roles.includes('entry') && user.unitKind === 'district',
    };
  }

  protected override exportFilters(filter: PilotLedgerFilter) {
    return this.ledgerExports.filters([
      { label: '涉及区县', unitId: filter.unitId },
      { label: '主管部门', unitId: filter.competentUnitId },
      { label: '层级', value: filter.level && PILOT_LEVEL_LABELS[filter.level] },
      { label: '状态', value: filter.state && WORKFLOW_STATE_LABELS[filter.state] },
      { label: '已到应验收时间', value: filter.due ? '是' : undefined },
      { label: '已有区县通过验收', value: filter.accepted ? '是' : undefined },
      { label: '名称或文号', value: filter.q },
    ]);
  }

  /** 确认分发: the competent department's clerk completes 涉及区县 and confirms. */
  @Post(':id/confirmation')
  @Roles('entry')
  async confirm(@Param('id') id: string, @Posted() post: PostedForm, @Res() reply: FastifyReply) {
    const back = (kind: 'success' | 'error', message: string) => {
      setFlash(reply, kind, message);
      return seeOther(post.request, reply, link(id));
    };
    return handleForm(
      PilotConfirmationDto,
      post.body,
      async (values, errors) =>
        this.renderPage(
          reply,
          422,
          await this.records.page(id, post.user),
          post.user,
          errors,
          values,
        ),
      async (data) => {
        try {
          await this.records.confirm(id, data, post.user, post.ip);
        } catch (error) {
          if (
            error instanceof WorkflowConflictException ||
            error instanceof WorkflowActionRefusedException
          ) {
            return back('error', error.message);
          }
          throw error;
        }
        return back('success', '已确认分发，涉及区县可更新推进状态');
      },
    );
  }

  protected override newValues() {
    return { level: 'municipal' };
  }

  protected formValues({ pilot }: PilotPage) {
    return PILOT_FORM.values(pilot);
  }

  protected showView(page: PilotPage) {
    return { view: 'pilots/show.hbs', title: page.pilot.name };
  }

  protected override renderShow(reply: FastifyReply, page: PilotPage, user: AuthUser) {
    return this.renderPage(reply, 200, page, user, {});
  }

  /** The pilot's page; for the competent department at 确认分发, its correction form too. */
  private async renderPage(
    reply: FastifyReply,
    status: number,
    page: PilotPage,
    user: AuthUser,
    errors: FieldErrors,
    typed?: Record<string, unknown>,
  ) {
    const { pilot, confirming } = page;
    const options = confirming ? await this.records.formOptions() : undefined;
    return reply.code(status).view('pilots/show.hbs', {
      title: pilot.name,
      ...page,
      errors,
      statusLabels: TASK_STATUS_LABELS,
      correction: {
        level: typed?.level ?? pilot.level,
        documentNumber: typed?.documentNumber ?? pilot.document_number,
        deployedOn: typed?.deployedOn ?? pilot.deployed_on,
        acceptanceDue: typed?.acceptanceDue ?? pilot.acceptance_due,
      },
      districts:
        options &&
        districtChoices(options.districts, typed ? typed.involvedUnitIds : pilot.involved_unit_ids),
      panel: await this.panels.build(page.item, user, confirming ? { omit: ['confirm'] } : {}),
    });
  }

  protected async formOptions(values: Record<string, unknown>) {
    const options = await this.records.formOptions(lenientId(values.domainId));
    return { ...options, districts: districtChoices(options.districts, values.involvedUnitIds) };
  }
}
