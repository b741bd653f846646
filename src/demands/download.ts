import type { FastifyReply } from 'fastify';

const MEDIA_TYPES = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

/**
 * Sends a generated Word or Excel file as a download named `fileName` (Chinese is fine: RFC 5987),
 * with `fallback` (ASCII, same extension) for clients that read only `filename`.
 */
export function sendDownload(
  reply: FastifyReply,
  file: { fileName: string; fallback: `${string}.${keyof typeof MEDIA_TYPES}`; content: Buffer },
  cacheControl?: string,
): FastifyReply {
  const extension = file.fallback.slice(file.fallback.lastIndexOf('.') + 1);
  reply
    .header('Content-Type', MEDIA_TYPES[extension as keyof typeof MEDIA_TYPES])
    .header(
      'Content-Disposition',
      `attachment; filename="${file.fallback}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
    );
  if (cacheControl) {
    reply.header('Cache-Control', cacheControl);
  }
  return reply.send(file.content);
}
