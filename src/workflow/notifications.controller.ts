import {
  Controller,
  Get,
  NotFoundException,
  Param,
  Post,
  Query,
  Render,
  Res,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { AuthUser } from '../auth/auth-context.js';
import { Call, type Caller, CurrentUser } from '../auth/auth.decorators.js';
import { buildPagination, parsePage } from '../common/http/pagination.js';
import { seeOther } from '../common/htmx/htmx-request.js';
import { NotificationsService } from './notifications.service.js';

@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @Render('workflow/notifications.hbs')
  async list(@CurrentUser() user: AuthUser, @Query() query: Record<string, string>) {
    const page = parsePage(query.page);
    const unreadOnly = query.unread === '1';
    const { rows, total } = await this.notifications.list(user.id, page, unreadOnly);
    return {
      title: '消息通知',
      rows,
      total,
      unreadOnly,
      pagination: buildPagination('/notifications', query, page, total),
    };
  }

  /** Opening a notification marks it read and goes to its record. */
  @Post(':id/read')
  async read(
    @Param('id') id: string,
    @Call() { user, request }: Caller,
    @Res() reply: FastifyReply,
  ) {
    const link = await this.notifications.markRead(user.id, id);
    if (link === undefined) {
      throw new NotFoundException();
    }
    return seeOther(request, reply, link ?? '/notifications');
  }

  @Post('read-all')
  async readAll(@Call() { user, request }: Caller, @Res() reply: FastifyReply) {
    await this.notifications.markAllRead(user.id);
    return seeOther(request, reply, '/notifications');
  }
}
