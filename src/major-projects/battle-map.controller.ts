import { Controller, Get, NotFoundException, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AttachmentsService } from '../attachments/attachments.service.js';
import type { AuthUser } from '../auth/auth-context.js';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { BUSINESS_ROLES } from '../auth/roles.js';
import { unlessRefused, type FieldErrors } from '../common/forms/form-validation.js';
import { setFlash } from '../common/http/flash.js';
import { seeOther } from '../common/htmx/htmx-request.js';
import { Posted, type PostedForm } from '../workflow/record-kit/record-forms.js';
import { WorkflowPanelBuilder } from '../workflow/workflow-panel.js';
import { WorkflowService } from '../workflow/workflow.service.js';
import {
  MEASURE_MAX_CHARS,
  MONTHS,
  parseBattleMapRows,
  type BattleMapRows,
} from './battle-map-form.js';
import { BattleMapService, contentToRows, keyToToken, newRowToken } from './battle-map.service.js';
import { measuresWithPlans } from './project-page.service.js';
import { ProjectsService } from './projects.service.js';

/** View model of the form rows: measures numbered, plans with their measure choices. */
export function formRows(rows: BattleMapRows) {
  const measureChoices = rows.measures.map((measure, index) => ({
    token: measure.token,
    label: `举措${index + 1}`,
  }));
  return {
    indicators: rows.indicators.map((indicator) => ({
      ...indicator,
      monthCells: MONTHS.map((month, index) => ({ month, value: indicator.months[index] })),
    })),
    measures: rows.measures.map((measure, index) => ({
      ...measure,
      number: index + 1,
      length: [...measure.text].length,
    })),
    plans: rows.plans.map((plan) => ({ ...plan, measureChoices })),
  };
}

function emptyIndicator(): BattleMapRows['indicators'][number] {
  return {
    token: newRowToken(),
    name: '',
    unit: '',
    annual: '',
    cumulative: '0',
    months: MONTHS.map(() => ''),
  };
}

/** A new map starts with the two indicator rows every map needs. */
function emptyMap(): BattleMapRows {
  return { indicators: [emptyIndicator(), emptyIndicator()], measures: [], plans: [] };
}

@Controller('major-projects')
@Roles(...BUSINESS_ROLES)
export class BattleMapController {
  constructor(
    private readonly maps: BattleMapService,
    private readonly projects: ProjectsService,
    private readonly workflow: WorkflowService,
    private readonly panels: WorkflowPanelBuilder,
    private readonly attachments: AttachmentsService,
  ) {}

  /** The workflow's link for a map revision (inbox, notifications) leads to the project's map page. */
  @Get('maps/:itemId')
  async mapItem(
    @Param('itemId') itemId: string,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    await this.workflow.findVisibleItem(itemId, user);
    const projectId = await this.maps.projectOfMap(itemId);
    if (!projectId) {
      throw new NotFoundException();
    }
    return reply.redirect(`/major-projects/${projectId}/map`, 303);
  }

  /** A new empty row for the map or iteration form (htmx appends it to its section). */
  @Get('map-rows/:section')
  @Roles('entry')
  async newRow(
    @Param('section') section: string,
    @Query() query: Record<string, string>,
    @Res() reply: FastifyReply,
  ) {
    const token = newRowToken();
    if (section === 'ind') {
      const rows = formRows({ indicators: [emptyIndicator()], measures: [], plans: [] });
      return reply.view('major-projects/_indicator-row.hbs', { ...rows.indicators[0], errors: {} });
    }
    if (section === 'mea') {
      // Numbered after the measure rows htmx includes with the request.
      return reply.view('major-projects/_measure-row.hbs', {
        token,
        number: parseBattleMapRows(query).measures.length + 1,
        text: '',
        length: 0,
        max: MEASURE_MAX_CHARS,
        errors: {},
      });
    }
    if (section === 'plan') {
      // The measure choices come from the measure rows htmx includes with the request.
      const measures = parseBattleMapRows(query).measures;
      const rows = formRows({
        indicators: [],
        measures,
        plans: [{ token, measure: '', month: '', type: '', content: '' }],
      });
      return reply.view('major-projects/_plan-row.hbs', {
        ...rows.plans[0],
        planTypes: await this.maps.planTypes(),
        fixedMeasure: query.fixedMeasure === 'self' ? 'self' : undefined,
        errors: {},
      });
    }
    throw new NotFoundException();
  }

  @Get(':id/map')
  async show(@Param('id') id: string, @CurrentUser() user: AuthUser, @Res() reply: FastifyReply) {
    const page = await this.maps.page(id, user);
    if (page.editable) {
      const content = page.content;
      const rows =
        content && content.indicators.length + content.measures.length + content.plans.length > 0
          ? contentToRows(content)
          : emptyMap();
      return this.renderForm(reply, 200, id, rows, {}, user);
    }
    const canIterate =
      page.project.current_version !== null &&
      user.roles.includes('entry') &&
      user.unitId === page.project.responsible_unit_id;
    return reply.view('major-projects/map-show.hbs', {
      title: `${page.project.name}·项目作战图`,
      project: page.project,
      visible: page.visible,
      content: page.content,
      measures: (page.content ? measuresWithPlans(page.content) : []).map((measure) => ({
        ...measure,
        editHref: canIterate
          ? `/major-projects/${page.project.id}/iterations/new?targetMeasure=${keyToToken(measure.measure_key)}`
          : undefined,
      })),
      versions: await this.projects.versions(page.project.id),
      panel: page.visible ? await this.panels.build(page.item, user) : undefined,
      canIterate,
    });
  }

  @Post(':id/map')
  @Roles('entry')
  async save(@Param('id') id: string, @Posted() post: PostedForm, @Res() reply: FastifyReply) {
    const body = (post.body ?? {}) as Record<string, unknown>;
    const save = async () => {
      const { submitted } = await this.maps.save(id, body, post.user, post.ip);
      setFlash(reply, 'success', submitted ? '作战图已上报，等待本单位审核' : '作战图已保存为草稿');
      return seeOther(post.request, reply, `/major-projects/${id}/map`);
    };
    return unlessRefused(save, (errors) =>
      this.renderForm(reply, 422, id, parseBattleMapRows(body), errors, post.user),
    );
  }

  @Get(':id/versions/:version')
  async version(
    @Param('id') id: string,
    @Param('version') version: string,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const project = await this.projects.find(id, user);
    const versions = await this.projects.versions(project.id);
    const chosen = versions.find((candidate) => String(candidate.version) === version);
    if (!chosen) {
      throw new NotFoundException();
    }
    const content = await this.maps.content(chosen.id);
    return reply.view('major-projects/map-show.hbs', {
      title: `${project.name}·项目作战图（第 ${chosen.version} 版）`,
      project,
      visible: true,
      content,
      measures: measuresWithPlans(content),
      versions,
      shownVersion: chosen,
      isOldVersion: chosen.version !== project.current_version,
    });
  }

  private async renderForm(
    reply: FastifyReply,
    status: number,
    projectId: string,
    rows: BattleMapRows,
    errors: FieldErrors,
    user: AuthUser,
  ) {
    const page = await this.maps.page(projectId, user);
    return reply.code(status).view('major-projects/map-form.hbs', {
      title: `${page.project.name}·绘制项目作战图`,
      project: page.project,
      rows: formRows(rows),
      errors,
      measureMax: MEASURE_MAX_CHARS,
      planTypes: await this.maps.planTypes(),
      months: MONTHS,
      planFiles: (await this.attachments.listForItem(page.project.map_lineage_id)).filter(
        (file) => file.field === 'reform_plan',
      ),
      panel: await this.panels.build(page.item, user, { omit: ['submit'] }),
    });
  }
}
