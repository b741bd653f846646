import { Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth-context.js';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { setFlash } from '../common/http/flash.js';
import { seeOther } from '../common/htmx/htmx-request.js';
import { AssignmentsService } from './assignments.service.js';

const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** 需求清单 批量导入: download the template, upload it filled; all rows or none. */
@Controller('demand-list/import')
@Roles('office')
export class DemandListImportController {
  constructor(private readonly assignments: AssignmentsService) {}

  @Get()
  page(@Res() reply: FastifyReply) {
    return reply.view('assignments/import.hbs', { title: '导入需求清单' });
  }

  @Get('template')
  async template(@Res() reply: FastifyReply) {
    const content = await this.assignments.importTemplate();
    return reply
      .header('Content-Type', XLSX)
      .header(
        'Content-Disposition',
        `attachment; filename="template.xlsx"; filename*=UTF-8''${encodeURIComponent('需求清单导入模板.xlsx')}`,
      )
      .send(content);
  }

  @Post()
  @HttpCode(200)
  async upload(
    @Req() request: FastifyRequest,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const refuse = (message: string) =>
      reply.code(422).view('assignments/import.hbs', {
        title: '导入需求清单',
        errors: [{ row: '', column: '', message }],
      });
    if (!request.isMultipart()) {
      return refuse('请选择填写好的模板文件');
    }
    const file = await request.file({ limits: { fileSize: MAX_IMPORT_BYTES } });
    if (!file || file.filename === '') {
      return refuse('请选择填写好的模板文件');
    }
    const content = await file.toBuffer().catch(() => undefined);
    if (!content || file.file.truncated) {
      return refuse('文件超过 5 MB，请拆分后导入');
    }
    const result = await this.assignments.importDemandList(content, user, request.ip);
    if ('errors' in result) {
      return reply.code(422).view('assignments/import.hbs', {
        title: '导入需求清单',
        errors: result.errors.map((error) => ({ ...error, row: error.row > 0 ? error.row : '' })),
        errorFileId: result.errorFileId,
      });
    }
    setFlash(reply, 'success', `已导入 ${result.created} 项需求清单任务`);
    return seeOther(request, reply, '/demand-list');
  }
}
