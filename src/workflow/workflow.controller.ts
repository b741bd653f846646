import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth-context.js';
import { Call, type Caller, CurrentUser, Roles } from '../auth/auth.decorators.js';
import { BUSINESS_ROLES } from '../auth/roles.js';
import { formValues, validateForm } from '../common/forms/form-validation.js';
import { setFlash } from '../common/http/flash.js';
import {
  currentPagePath,
  isHtmx,
  recordPageLocation,
  seeOther,
} from '../common/htmx/htmx-request.js';
import { TransitionDto } from './dto/transition.dto.js';
import { NavigationBadges } from './navigation-badges.js';
import { WorkflowPanelBuilder, type PanelExtras } from './workflow-panel.js';
import { WorkflowRegistry } from './workflow-registry.js';
import { WORKFLOW_ACTION_LABELS } from './workflow-rules.js';
import {
  WorkflowActionRefusedException,
  WorkflowConflictException,
  WorkflowReasonMissingException,
} from './workflow.exception.js';
import { WorkflowService } from './workflow.service.js';

/**
 * Transitions as a sub-resource of any record: the shared panel posts here. htmx gets the panel
 * back (re-rendered for the new state, or with the message why nothing changed); a plain form
 * is redirected to the record page.
 */
@Controller('records')
@Roles(...BUSINESS_ROLES)
export class WorkflowController {
  constructor(
    private readonly workflow: WorkflowService,
    private readonly panels: WorkflowPanelBuilder,
    private readonly registry: WorkflowRegistry,
    private readonly badges: NavigationBadges,
  ) {}

  /** Generic link (inbox, notifications): the module's page of that revision. */
  @Get(':id')
  async show(
    @Param('id') id: string,
    @Call() { user, request }: Caller,
    @Res() reply: FastifyReply,
  ) {
    const item = await this.workflow.findVisibleItem(id, user);
    return seeOther(request, reply, this.registry.get(item.record_type).link(item.id));
  }

  @Post(':id/transitions')
  async transition(
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const form = await validateForm(TransitionDto, body);
    const item = await this.workflow.findVisibleItem(id, user);
    const link = this.registry.get(item.record_type).link(item.id);
    const typed = formValues(body);
    if (!form.ok) {
      return this.answer(request, reply, 422, id, user, link, {
        errors: form.errors,
        openAction: typeof typed.action === 'string' ? typed.action : undefined,
        typed,
        message: '提交的内容有误，请按提示修改',
      });
    }
    try {
      const { action, version, reasonId, detail } = form.data;
      await this.workflow.transition(
        id,
        { action, expectedVersion: version, reasonId, detail },
        user,
        request.ip,
      );
    } catch (error) {
      if (error instanceof WorkflowReasonMissingException) {
        return this.answer(request, reply, 422, id, user, link, {
          errors: error.fieldErrors,
          openAction: form.data.action,
          typed,
          message: error.message,
        });
      }
      if (
        error instanceof WorkflowConflictException ||
        error instanceof WorkflowActionRefusedException
      ) {
        return this.answer(request, reply, 409, id, user, link, { message: error.message });
      }
      throw error;
    }
    const done = `已${WORKFLOW_ACTION_LABELS[form.data.action]}`;
    if (isHtmx(request)) {
      reply.header('HX-Trigger', 'workflow:changed');
      // Everything on the record page that depends on the state (status badges, edit buttons and
      // forms shown only in some states, the panel) is re-rendered: htmx fetches the record's page
      // and swaps its main region and the navigation's counts, without a reload. The answer's body
      // (the panel) stays for clients that do not follow HX-Location; a browser's htmx names its
      // page (HX-Current-URL), and the flash then waits for the page it fetches.
      if (currentPagePath(request)) {
        setFlash(reply, 'success', done);
        reply.header('HX-Location', recordPageLocation(link));
      }
      return this.answer(request, reply, 200, id, user, link, { message: done, kind: 'success' });
    }
    setFlash(reply, 'success', done);
    return seeOther(request, reply, link);
  }

  private async answer(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    id: string,
    user: AuthUser,
    link: string,
    extras: Pick<PanelExtras, 'errors' | 'openAction' | 'typed'> & {
      message: string;
      kind?: string;
    },
  ) {
    if (!isHtmx(request)) {
      setFlash(reply, status === 200 ? 'success' : 'error', extras.message);
      return seeOther(request, reply, link);
    }
    const item = await this.workflow.findVisibleItem(id, user);
    const panel = await this.panels.build(item, user, {
      errors: extras.errors,
      openAction: extras.openAction,
      typed: extras.typed,
      message: { kind: extras.kind ?? 'error', text: extras.message },
    });
    // A done action changes the navigation's counts (待办, 消息): the answer carries them along.
    const navBadges = status === 200 ? await this.badges.count(user) : undefined;
    return reply.code(status).view('workflow/_panel.hbs', { ...panel, navBadges });
  }
}
