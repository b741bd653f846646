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
import { AccessRefusals } from '../../audit/access-refusals.js';
import { GoToPageException } from './go-to-page.exception.js';
import { safeNextPath } from '../../auth/safe-next-path.js';
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

/** The error page's heading; the message below it says what happened in this case. */
const TITLES: Record<number, string> = {
  400: '请求有误',
  403: '无权访问',
  404: '找不到该页面',
  409: '操作冲突',
  413: '内容过大',
  422: '提交的内容有误',
  429: '操作过于频繁',
  500: '系统出错',
};

/** What the user can do next, under the message. */
const HINTS: Record<number, string> = {
  403: '如工作需要，请联系本单位管理员或系统管理员调整您的角色。',
  404: '链接可能已失效，或该记录不在您的查看范围内。',
  409: '请刷新页面，查看最新状态后再操作。',
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
 * (htmx fragments), never a stack trace. Every error answer shows the request's id (the one in the
 * X-Request-Id header, the audit rows and the logs); 403s and the data scope's 404s are counted in
 * the audit log (AccessRefusals).
 */
@Catch()
export class HtmlExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HtmlExceptionFilter');

  constructor(private readonly refusals: AccessRefusals) {}

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (reply.sent) {
      return;
    }
    if (exception instanceof UnauthorizedException) {
      return this.redirect(request, reply, loginUrlFor(request));
    }
    if (exception instanceof GoToPageException) {
      if (request.method === 'GET' || isHtmx(request)) {
        return this.redirect(request, reply, exception.page);
      }
    }
    let status: number;
    let message: string;
    const correlationId = request.id;
    if (exception instanceof HttpException) {
      status = exception.getStatus();
      message = messageOf(exception);
    } else if (isBodyTooLarge(exception)) {
      status = HttpStatus.PAYLOAD_TOO_LARGE;
      message = DEFAULT_MESSAGES[413];
    } else {
      status = HttpStatus.INTERNAL_SERVER_ERROR;
      message = DEFAULT_MESSAGES[500];
      this.logger.error(
        `[${correlationId}] ${request.method} ${request.url}`,
        exception instanceof Error ? exception.stack : String(exception),
      );
    }
    if (exception instanceof NotFoundException) {
      message = DEFAULT_MESSAGES[404];
    }
    if (status === 403 || status === 404) {
      await this.refusals.note('access_denied', request, status);
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
    await sendView(reply, 'errors/error.hbs', {
      status,
      message,
      correlationId,
      title: TITLES[status] ?? TITLES[500],
      hint: HINTS[status],
    });
  }

  private redirect(request: FastifyRequest, reply: FastifyReply, url: string): void {
    if (isHtmx(request)) {
      reply.header('HX-Redirect', url).code(204).send();
      return;
    }
    reply.redirect(url, 303);
  }
}

/**
 * The login page, with the page to come back to: the requested page for a GET; for a form sent
 * after the session ended, the page the form was on (its same-origin Referer, or htmx's
 * HX-Current-URL), where public/js/forms.js puts back what the user typed.
 */
export function loginUrlFor(request: FastifyRequest): string {
  const back = safeNextPath(request.method === 'GET' ? request.url : formPageOf(request));
  if (back === '/' || back.startsWith('/login')) {
    return '/login';
  }
  return `/login?next=${encodeURIComponent(back)}`;
}

function formPageOf(request: FastifyRequest): string | undefined {
  const header = request.headers['hx-current-url'] ?? request.headers.referer;
  if (typeof header !== 'string' || header.length > 2048) {
    return undefined;
  }
  try {
    const url = new URL(header);
    return url.host === request.headers.host ? `${url.pathname}${url.search}` : undefined;
  } catch {
    return undefined;
  }
}

function isBodyTooLarge(exception: unknown): boolean {
  return (
    typeof exception === 'object' &&
    exception !== null &&
    (exception as { code?: unknown }).code === 'FST_ERR_CTP_BODY_TOO_LARGE'
  );
}
