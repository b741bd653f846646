import type { FastifyReply } from 'fastify';

export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const DOCX_MEDIA_TYPE =
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/**
 * Sets the headers of a file the browser saves: its media type and its name, written twice in
 * Content-Disposition (`fallback`, plain ASCII for old clients, then the real name UTF-8 encoded).
 */
export function asDownload(
  reply: FastifyReply,
  file: { type: string; fallback: string; name: string },
): FastifyReply {
  return reply
    .header('Content-Type', file.type)
    .header(
      'Content-Disposition',
      `attachment; filename="${file.fallback}"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
    );
}
