import {
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  NotFoundException,
  UnauthorizedException,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendView } from './render.js';
import { randomUUID } from 'node:crypto';
import { PendingStepException } from '../../auth/access.guard.js';
import { isHtmx, isPartial } from '../htmx/htmx-request.js';

const DEFAULT_MESSAGES: Record<number, string> = {
  400: '请求有误，请检查后重试',
  401: '请先登录',
  403: '您无权执行此操作',
  404: '页面不存在，或您无权查看该内容',
  409: '该记录已被他人处理，请刷新',
  413: '上传的内容过大',
  422: '提交的内容有误，请按提示修改',
  429: '操作过于频繁，请稍后再试',
  500: '系统出现异常，请稍后重试；如多次出现请联系系统管理员',
};

function messageOf(exception: HttpException): string {
  const status = exception.getStatus();
  const response = exception.getResponse();
  const candidate =
    typeof response === 'string' ? response : (response as { message?: unknown }).message;
  // Nest's own English defaults ("Not Found", "Cannot GET /x") are replaced by Chinese text.
  if (typeof candidate === 'string' && /[\u4e00-\u9fff]/.test(candidate)) {
    return candidate;
  }
  return DEFAULT_MESSAGES[status] ?? DEFAULT_MESSAGES[500];
}

/**
 * Turns every error into a Chinese page (full requests) or a small message in the flash region
 * (htmx fragments). Unknown errors become a 500 with a correlation id: never a stack trace.
 */
@Catch()
export class HtmlExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HtmlExceptionFilter');

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (reply.sent) {
      return;
    }
    if (exception instanceof UnauthorizedException) {
      return this.redirect(request, reply, loginUrlFor(request));
    }
    if (exception instanceof PendingStepException) {
      if (request.method === 'GET' || isHtmx(request)) {
        return this.redirect(request, reply, exception.page);
      }
    }
    let status: number;
    let message: string;
    let correlationId: string | undefined;
    if (exception instanceof HttpException) {
      status = exception.getStatus();
      message = messageOf(exception);
    } else if (isBodyTooLarge(exception)) {
      status = HttpStatus.PAYLOAD_TOO_LARGE;
      message = DEFAULT_MESSAGES[413];
    } else {
      status = HttpStatus.INTERNAL_SERVER_ERROR;
      message = DEFAULT_MESSAGES[500];
      correlationId = randomUUID();
      this.logger.error(
        `[${correlationId}] ${request.method} ${request.url}`,
        exception instanceof Error ? exception.stack : String(exception),
      );
    }
    if (exception instanceof NotFoundException) {
      message = DEFAULT_MESSAGES[404];
    }
    reply.code(status).header('Cache-Control', 'no-store');
    if (isPartial(request)) {
      // Show the message in the page's flash region instead of swapping it into the target.
      reply.header('HX-Retarget', '#flash').header('HX-Reswap', 'innerHTML');
      await sendView(reply, 'partials/_flash.hbs', {
        flash: { kind: 'error', text: message },
        correlationId,
      });
      return;
    }
    await sendView(reply, 'errors/error.hbs', { status, message, correlationId, title: message });
  }

  private redirect(request: FastifyRequest, reply: FastifyReply, url: string): void {
    if (isHtmx(request)) {
      reply.header('HX-Redirect', url).code(204).send();
      return;
    }
    reply.redirect(url, 303);
  }
}

function loginUrlFor(request: FastifyRequest): string {
  if (request.method !== 'GET' || request.url === '/' || request.url.startsWith('/login')) {
    return '/login';
  }
  return `/login?next=${encodeURIComponent(request.url)}`;
}

function isBodyTooLarge(exception: unknown): boolean {
  return (
    typeof exception === 'object' &&
    exception !== null &&
    (exception as { code?: unknown }).code === 'FST_ERR_CTP_BODY_TOO_LARGE'
  );
}
