import { Controller, Get, Inject, NotFoundException, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuditService } from '../audit/audit.service.js';
import { setFlash } from '../common/http/flash.js';
import { seeOther } from '../common/htmx/htmx-request.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { clearSessionCookie } from './session-cookie.js';
import { SessionStore } from './session.store.js';
import { describeUserAgent } from './user-agent.js';

/**
 * 登录设备 (/account/sessions): the user's live sessions (started, last active, address, browser,
 * this one marked), ending one, every other one, or all of them including this one.
 */
@Controller('account/sessions')
export class SessionsController {
  constructor(
    private readonly sessions: SessionStore,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async list(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const auth = request.auth!;
    const rows = await this.sessions.listForUser(auth.user.id, auth.sessionIdHash);
    return reply.view('account/sessions.hbs', {
      title: '登录设备',
      sessions: rows.map((row) => ({
        ...row,
        device: describeUserAgent(row.user_agent),
        userAgentShort:
          row.user_agent && row.user_agent.length > 80
            ? `${row.user_agent.slice(0, 80)}…`
            : row.user_agent,
      })),
      others: rows.filter((row) => !row.current).length,
    });
  }

  @Post('others/end')
  async endOthers(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const auth = request.auth!;
    const count = await this.sessions.destroyAllForUser(auth.user.id, {
      except: auth.sessionIdHash,
    });
    await this.audit.record({
      action: 'sessions_ended',
      actor: auth.user,
      ip: request.ip,
      detail: { scope: 'others', count },
    });
    setFlash(reply, 'success', `已退出其他 ${count} 个登录`);
    return seeOther(request, reply, '/account/sessions');
  }

  @Post('all/end')
  async endAll(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const auth = request.auth!;
    const count = await this.sessions.destroyAllForUser(auth.user.id);
    await this.audit.record({
      action: 'sessions_ended',
      actor: auth.user,
      ip: request.ip,
      detail: { scope: 'all', count },
    });
    clearSessionCookie(reply, this.config);
    setFlash(reply, 'success', '已在所有设备上退出登录');
    return seeOther(request, reply, '/login');
  }

  @Post(':publicId/end')
  async endOne(
    @Param('publicId') publicId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const auth = request.auth!;
    const idHash = await this.sessions.destroyByPublicId(auth.user.id, publicId);
    if (!idHash) {
      throw new NotFoundException();
    }
    const current = idHash === auth.sessionIdHash;
    await this.audit.record({
      action: 'session_ended',
      actor: auth.user,
      ip: request.ip,
      target: { type: 'session', id: publicId },
      detail: { current },
    });
    if (current) {
      clearSessionCookie(reply, this.config);
      return seeOther(request, reply, '/login');
    }
    setFlash(reply, 'success', '已结束该登录');
    return seeOther(request, reply, '/account/sessions');
  }
}
