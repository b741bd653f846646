import { Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth-context.js';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { BUSINESS_ROLES } from '../auth/roles.js';
import {
  AttachmentRefusedException,
  AttachmentsService,
  type AttachmentView,
} from './attachments.service.js';
import { FIELD_NAME, PART_LIMIT_ERRORS, readFilePart, TOO_MANY_FILES } from './form-uploads.js';
import { asDownload } from '../common/http/download.js';

/** The DOM id stem of the field on its page (its form's id and the field, attachments/_field.hbs). */
const FIELD_KEY = /^[a-zA-Z][a-zA-Z0-9_-]{0,119}$/;

@Controller('attachments')
@Roles(...BUSINESS_ROLES)
export class AttachmentsController {
  constructor(private readonly attachments: AttachmentsService) {}

  /**
   * htmx upload from the shared attachment field: the file input is named `upload_<field>`; the
   * answer is one chip (with its hidden id input) per stored file, appended to the field's list.
   */
  @Post()
  @HttpCode(200)
  @Roles('entry', 'office')
  async upload(
    @Req() request: FastifyRequest,
    @Query('field') field: string,
    @Query('only') only: string | undefined,
    @Query('key') rawKey: string | undefined,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    if (typeof field !== 'string' || !FIELD_NAME.test(field)) {
      return this.refuse(reply, 'file', '上传参数有误');
    }
    const key = typeof rawKey === 'string' && FIELD_KEY.test(rawKey) ? rawKey : field;
    if (!request.isMultipart()) {
      return this.refuse(reply, key, '请选择要上传的文件');
    }
    const stored: AttachmentView[] = [];
    try {
      for await (const part of request.parts()) {
        if (part.type !== 'file') {
          continue;
        }
        if (part.fieldname !== `upload_${field}` || part.filename === '') {
          await part.toBuffer().catch(() => undefined);
          continue;
        }
        stored.push(
          await this.attachments.store(await readFilePart(part), field, user, only === 'pdf'),
        );
      }
    } catch (error) {
      if (error instanceof AttachmentRefusedException) {
        return this.refuse(reply, key, error.message, stored);
      }
      if (PART_LIMIT_ERRORS.has((error as { code?: string }).code ?? '')) {
        // Too many parts in one request: none of its files is kept.
        await this.attachments.discardUnlinked(stored.map((file) => file.id));
        return this.refuse(reply, key, TOO_MANY_FILES);
      }
      throw error;
    }
    if (stored.length === 0) {
      return this.refuse(reply, key, '请选择要上传的文件');
    }
    return reply.view('attachments/_chips.hbs', { field, files: stored });
  }

  @Get(':id')
  async download(
    @Param('id') id: string,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const file = await this.attachments.readable(id, user);
    await this.attachments.recordDownload(id, file, user, reply.request.ip);
    return asDownload(reply, { type: file.mediaType, fallback: 'download', name: file.name })
      .header('X-Content-Type-Options', 'nosniff')
      .header('Content-Security-Policy', "sandbox; default-src 'none'")
      .header('Cache-Control', 'private, no-store')
      .header('ETag', `"${file.sha256}"`)
      .send(file.content);
  }

  /** A refused upload: the message goes next to the field; files stored before the refusal stay listed. */
  private refuse(reply: FastifyReply, key: string, message: string, stored: AttachmentView[] = []) {
    return reply
      .code(422)
      .header('HX-Retarget', `#${key}-upload-error`)
      .header('HX-Reswap', 'innerHTML')
      .view('attachments/_upload-error.hbs', {
        message,
        key,
        field: stored[0]?.field ?? key,
        files: stored,
      });
  }
}
