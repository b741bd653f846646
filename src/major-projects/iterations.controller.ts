import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth-context.js';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { BUSINESS_ROLES } from '../auth/roles.js';
import { unlessRefused, type FieldErrors } from '../common/forms/form-validation.js';
import { setFlash } from '../common/http/flash.js';
import { seeOther } from '../common/htmx/htmx-request.js';
import { Posted, type PostedForm } from '../workflow/record-kit/record-forms.js';
import { WorkflowPanelBuilder } from '../workflow/workflow-panel.js';
import { MEASURE_MAX_CHARS } from './battle-map-form.js';
import { BattleMapService, keyToToken } from './battle-map.service.js';
import {
  ITERATION_MEASURE_TOKEN,
  IterationsService,
  parseIterationForm,
  type IterationForm,
} from './iterations.service.js';
import { ProjectsService, type ProjectRow } from './projects.service.js';

/** 措施迭代申请 pages: the form while draft or returned, otherwise the record with its panel. */
@Controller('major-projects')
@Roles(...BUSINESS_ROLES)
export class IterationsController {
  constructor(
    private readonly iterations: IterationsService,
    private readonly projects: ProjectsService,
    private readonly maps: BattleMapService,
    private readonly panels: WorkflowPanelBuilder,
  ) {}

  @Get(':projectId/iterations/new')
  @Roles('entry')
  async newForm(
    @Param('projectId') projectId: string,
    @Query('targetMeasure') targetMeasure: string | undefined,
    @Query('basis') basis: string | undefined,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const project = await this.projects.find(projectId, user);
    const empty: IterationForm = { kind: 'add', targetMeasure: '', text: '', basis: '', plans: [] };
    // 编辑举措 starts from the chosen measure's text in the version in force (a link on the map
    // page, or the picker's button without JavaScript).
    const chosen =
      typeof targetMeasure === 'string'
        ? (await this.maps.currentContent(project))?.measures.find(
            (measure) => keyToToken(measure.measure_key) === targetMeasure,
          )
        : undefined;
    const form: IterationForm = chosen
      ? {
          ...empty,
          kind: 'edit',
          targetMeasure: keyToToken(chosen.measure_key),
          text: chosen.text,
          basis: typeof basis === 'string' ? basis.slice(0, 2000) : '',
        }
      : empty;
    return this.renderForm(reply, 200, project, undefined, form, {}, user);
  }

  // A reload after a refused save asks for the POST's address: back to the form, not a 404.
  @Get(':projectId/iterations')
  @Roles('entry')
  async formPage(
    @Param('projectId') projectId: string,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const project = await this.projects.find(projectId, user);
    return seeOther(request, reply, `/major-projects/${project.id}/iterations/new`);
  }

  @Post(':projectId/iterations')
  @Roles('entry')
  async create(
    @Param('projectId') projectId: string,
    @Posted() post: PostedForm,
    @Res() reply: FastifyReply,
  ) {
    const save = (form: IterationForm, submit: boolean) =>
      this.iterations.create(projectId, form, submit, post.user, post.ip);
    return this.saveForm(post, reply, undefined, save, () =>
      this.projects.find(projectId, post.user),
    );
  }

  @Get('iterations/:id')
  async show(@Param('id') id: string, @CurrentUser() user: AuthUser, @Res() reply: FastifyReply) {
    const { item, project, iteration, plans } = await this.iterations.find(id, user);
    if (this.iterations.isEditable(item, user)) {
      const form: IterationForm = {
        kind: iteration.kind,
        targetMeasure: iteration.target_measure_key ? keyToToken(iteration.target_measure_key) : '',
        text: iteration.text,
        basis: iteration.basis,
        plans: plans.map((plan) => ({
          token: `p${plan.position}`,
          measure: ITERATION_MEASURE_TOKEN,
          month: plan.plan_month,
          type: String(plan.plan_type_id),
          content: plan.content,
        })),
      };
      return this.renderForm(reply, 200, project, id, form, {}, user);
    }
    const target = iteration.target_measure_key
      ? await this.measureText(project, iteration.target_measure_key)
      : undefined;
    return reply.view('major-projects/iteration-show.hbs', {
      title: item.title,
      project,
      iteration,
      target,
      plans,
      panel: await this.panels.build(item, user),
    });
  }

  @Post('iterations/:id')
  @Roles('entry')
  async update(@Param('id') id: string, @Posted() post: PostedForm, @Res() reply: FastifyReply) {
    const save = async (form: IterationForm, submit: boolean) => {
      await this.iterations.update(id, form, submit, post.user, post.ip);
      return id;
    };
    return this.saveForm(post, reply, id, save, async () => {
      return (await this.iterations.find(id, post.user)).project;
    });
  }

  /** POST of the iteration form (new or existing): saved → its page; refused → the form, 422. */
  private saveForm(
    post: PostedForm,
    reply: FastifyReply,
    id: string | undefined,
    save: (form: IterationForm, submit: boolean) => Promise<string>,
    project: () => Promise<ProjectRow>,
  ) {
    const body = (post.body ?? {}) as Record<string, unknown>;
    const form = parseIterationForm(body);
    const submit = body.submit === '1';
    const saveAndAnswer = async () => {
      const savedId = await save(form, submit);
      setFlash(reply, 'success', await this.panels.savedAnswer(savedId, submit));
      return seeOther(post.request, reply, `/major-projects/iterations/${savedId}`);
    };
    return unlessRefused(saveAndAnswer, async (errors) =>
      this.renderForm(reply, 422, await project(), id, form, errors, post.user),
    );
  }

  /** The measure's text in the version in force (the one being edited). */
  private async measureText(project: ProjectRow, measureKey: string) {
    const content = await this.maps.currentContent(project);
    if (!content) {
      return undefined;
    }
    const index = content.measures.findIndex((measure) => measure.measure_key === measureKey);
    return index < 0 ? undefined : { number: index + 1, text: content.measures[index].text };
  }

  private async renderForm(
    reply: FastifyReply,
    status: number,
    project: ProjectRow,
    id: string | undefined,
    form: IterationForm,
    errors: FieldErrors,
    user: AuthUser,
  ) {
    const content = await this.maps.currentContent(project);
    const panelItem = id ? (await this.iterations.find(id, user)).item : undefined;
    return reply.code(status).view('major-projects/iteration-form.hbs', {
      title: '措施迭代申请',
      project,
      id,
      values: form,
      errors,
      issued: content !== undefined,
      measureMax: MEASURE_MAX_CHARS,
      measures: (content?.measures ?? []).map((measure, index) => ({
        token: keyToToken(measure.measure_key),
        number: index + 1,
        text: measure.text,
      })),
      plans: form.plans,
      planTypes: await this.maps.planTypes(),
      fixedMeasure: ITERATION_MEASURE_TOKEN,
      textLength: [...form.text].length,
      panel: panelItem ? await this.panels.build(panelItem, user, { omit: ['submit'] }) : undefined,
    });
  }
}
