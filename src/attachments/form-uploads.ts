import type { MultipartFile } from '@fastify/multipart';
import { Injectable, PayloadTooLargeException } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { hasRole, type AuthUser } from '../auth/auth-context.js';
import { MAX_FORM_FIELDS, TOO_MANY_FIELDS } from '../common/http/body-limits.js';
import { stripBidiControls } from '../common/forms/transforms.js';
import { UPLOAD_REFUSALS } from '../common/forms/uploaded-files.js';
import { AttachmentRefusedException, AttachmentsService } from './attachments.service.js';

/** An upload field's name (the file input is `upload_<field>`, attachments/_field.hbs). */
export const FIELD_NAME = /^[a-zA-Z][a-zA-Z0-9_]{0,59}$/;
const UPLOAD_PART = /^upload_([a-zA-Z][a-zA-Z0-9_]{0,59})$/;

/** At most this many files in one request, as the upload endpoint's limit (configure-app). */
export const MAX_FILES_PER_REQUEST = 20;
export const TOO_MANY_FILES = `一次上传的文件过多，请分批上传（一次最多上传 ${MAX_FILES_PER_REQUEST} 个文件）`;

/** @fastify/multipart's errors for a request over the parts, files or fields limit. */
export const PART_LIMIT_ERRORS = new Set([
  'FST_PARTS_LIMIT',
  'FST_FILES_LIMIT',
  'FST_FIELDS_LIMIT',
]);

/** One file part read whole: a part over the size limit comes back empty and marked truncated. */
export async function readFilePart(
  part: MultipartFile,
): Promise<{ fileName: string; content: Buffer; truncated: boolean }> {
  const content = await part.toBuffer().catch((error: unknown) => {
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
      return undefined;
    }
    throw error;
  });
  return {
    fileName: part.filename,
    content: content ?? Buffer.alloc(0),
    truncated: content === undefined || part.file.truncated,
  };
}

/** What a form with files declares on its POST route. */
export interface FilesForm {
  /** Fields that take only PDF (the upload endpoint's `only=pdf`). */
  pdfOnly?: readonly string[];
}

const FILES_FORM = 'filesForm';

/**
 * Marks the POST route of a form with upload fields: without JavaScript the browser posts it as
 * one multipart request (the CSRF token in the action URL), and the hook in configure-app turns its
 * files into attachment ids before the handler (FormUploads).
 */
export const FormWithFiles = (form: FilesForm = {}) => RouteConfig({ [FILES_FORM]: form });

/** The route's FormWithFiles declaration, when the request is multipart to such a route. */
export function filesFormOf(request: FastifyRequest): FilesForm | undefined {
  if (request.method !== 'POST' || !request.isMultipart()) {
    return undefined;
  }
  const config = request.routeOptions?.config as unknown as Record<string, unknown> | undefined;
  return config?.[FILES_FORM] as FilesForm | undefined;
}

/**
 * A form posted with its files (JavaScript off): its fields become the body the handler reads, as
 * the urlencoded parser gives it (repeated fields as arrays, bidi controls stripped), and each file
 * of an `upload_<field>` input is stored exactly as the upload endpoint stores it (same size, type
 * and PDF checks, audit and per-user cap), its id added to `<field>` after the ids already there.
 * A refused file leaves its message under the body's UPLOAD_REFUSALS, so validateForm answers 422
 * with the message beside the field and everything typed (the files that were accepted included).
 */
@Injectable()
export class FormUploads {
  constructor(private readonly attachments: AttachmentsService) {}

  async read(
    request: FastifyRequest,
    user: AuthUser,
    form: FilesForm,
  ): Promise<Record<string, string | string[]>> {
    const fields: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
    const added = new Map<string, string[]>();
    const refusals: Record<string, string[]> = {};
    const refuse = (field: string, message: string) => {
      refusals[field] = [...new Set([...(refusals[field] ?? []), message])];
    };
    // Only the roles the upload endpoint takes store files; anyone else is refused by the route.
    const mayUpload = hasRole(user, 'entry', 'office');
    let files = 0;
    try {
      for await (const part of request.parts({
        limits: { fields: MAX_FORM_FIELDS, files: MAX_FORM_FIELDS, parts: 2 * MAX_FORM_FIELDS },
      })) {
        if (part.type === 'field') {
          (fields[part.fieldname] ??= []).push(stripBidiControls(String(part.value)));
          continue;
        }
        const field = UPLOAD_PART.exec(part.fieldname)?.[1];
        if (!field || part.filename === '' || !mayUpload || files > MAX_FILES_PER_REQUEST) {
          await part.toBuffer().catch(() => undefined);
          continue;
        }
        files += 1;
        if (files > MAX_FILES_PER_REQUEST) {
          // Too many files in one request: none of its files is kept (as the upload endpoint).
          await part.toBuffer().catch(() => undefined);
          await this.attachments.discardUnlinked([...added.values()].flat());
          added.clear();
          refuse(field, TOO_MANY_FILES);
          continue;
        }
        try {
          const file = await readFilePart(part);
          const stored = await this.attachments.store(
            file,
            field,
            user,
            form.pdfOnly?.includes(field) ?? false,
          );
          added.set(field, [...(added.get(field) ?? []), stored.id]);
        } catch (error) {
          if (!(error instanceof AttachmentRefusedException)) {
            throw error;
          }
          refuse(field, error.message);
        }
      }
    } catch (error) {
      if ((error as { code?: string }).code === 'FST_FIELDS_LIMIT') {
        await this.attachments.discardUnlinked([...added.values()].flat());
        throw new PayloadTooLargeException(TOO_MANY_FIELDS);
      }
      throw error;
    }
    for (const [field, ids] of added) {
      (fields[field] ??= []).push(...ids);
    }
    const body: Record<string, string | string[]> = Object.create(null) as Record<
      string,
      string | string[]
    >;
    for (const [name, values] of Object.entries(fields)) {
      body[name] = values.length === 1 ? values[0] : values;
    }
    if (Object.keys(refusals).length > 0) {
      Object.defineProperty(body, UPLOAD_REFUSALS, { value: refusals, enumerable: false });
    }
    return body;
  }
}
