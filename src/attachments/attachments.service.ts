import {
  Inject,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { hasRole, type AuthUser } from '../auth/auth-context.js';
import { AuditService } from '../audit/audit.service.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { WorkflowService } from '../workflow/workflow.service.js';
import {
  INSERT_ATTACHMENT,
  LOCK_USER_UPLOADS,
  PURGE_ORPHAN_UPLOADS,
  UNLINKED_USAGE,
} from './attachments.queries.js';
import {
  activeContentProblem,
  detectFileKind,
  MEDIA_TYPES,
  sanitizeFileName,
} from './file-type.js';

export interface AttachmentView {
  id: string;
  name: string;
  sizeLabel: string;
  field: string;
}

export function sizeLabel(bytes: number): string {
  if (bytes >= 1024 * 1024) {
    return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  }
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** A field that takes only PDF (a pilot's deploying document: photos are too blurred to read). */
export const PDF_ONLY_MESSAGE = (name: string): string =>
  `文件「${name}」不是 PDF：部署文件须扫描为清晰的 PDF 后上传，不接受照片或图片（JPG、PNG）`;

/** Upload refused: the message says why, in Chinese. */
export class AttachmentRefusedException extends UnprocessableEntityException {}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Unlinked uploads older than this are orphans (purgeOrphanUploads). */
export const ORPHAN_AGE_MS = 24 * 60 * 60 * 1000;
const DEFAULT_MAX_UNLINKED_FILES = 50;
const DEFAULT_MAX_UNLINKED_BYTES = 200 * 1024 * 1024;

/**
 * Files in PostgreSQL (so every instance serves them and a backup holds them), checked by content,
 * hashed with SHA-256, linked to workflow items; reading one needs the record's data scope.
 */
@Injectable()
export class AttachmentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly workflow: WorkflowService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get maxFileBytes(): number {
    return this.config.upload.maxFileBytes;
  }

  async store(
    file: { fileName: string; content: Buffer; truncated: boolean },
    field: string,
    user: AuthUser,
    pdfOnly = false,
  ): Promise<AttachmentView> {
    const name = sanitizeFileName(file.fileName);
    const limitMb = Math.round(this.maxFileBytes / 1024 / 1024);
    if (file.truncated || file.content.length > this.maxFileBytes) {
      throw new AttachmentRefusedException(`文件「${name}」超过 ${limitMb} MB，请压缩或拆分后上传`);
    }
    if (file.content.length === 0) {
      throw new AttachmentRefusedException(`文件「${name}」是空文件`);
    }
    const kind = detectFileKind(file.content, name);
    if (!kind) {
      throw new AttachmentRefusedException(
        `文件「${name}」的类型不受支持或与扩展名不符，仅支持 PDF、JPG、PNG、DOC/DOCX、XLS/XLSX`,
      );
    }
    if (pdfOnly && kind !== 'pdf') {
      throw new AttachmentRefusedException(PDF_ONLY_MESSAGE(name));
    }
    const problem = activeContentProblem(file.content, kind);
    if (problem) {
      throw new AttachmentRefusedException(`文件「${name}」${problem}`);
    }
    const sha256 = createHash('sha256').update(file.content).digest('hex');
    const id = await this.dataSource.transaction(async (manager) => {
      // One user's uploads one at a time: the cap on unlinked files holds under parallel uploads.
      await manager.query(LOCK_USER_UPLOADS, [user.id]);
      const [usage]: { files: number; bytes: string }[] = await manager.query(UNLINKED_USAGE, [
        user.id,
      ]);
      const maxFiles = this.config.upload.maxUnlinkedFiles ?? DEFAULT_MAX_UNLINKED_FILES;
      const maxBytes = this.config.upload.maxUnlinkedBytes ?? DEFAULT_MAX_UNLINKED_BYTES;
      if (usage.files + 1 > maxFiles || Number(usage.bytes) + file.content.length > maxBytes) {
        throw new AttachmentRefusedException(
          `您已有 ${usage.files} 个上传后尚未保存到记录的文件（共 ${sizeLabel(Number(usage.bytes))}），` +
            `最多 ${maxFiles} 个、${Math.round(maxBytes / 1024 / 1024)} MB。请先保存正在填写的表单；` +
            `未保存的上传文件 1 天后自动清理`,
        );
      }
      const rows: { id: string }[] = await manager.query(INSERT_ATTACHMENT, [
        name,
        MEDIA_TYPES[kind],
        file.content.length,
        sha256,
        file.content,
        user.id,
        user.unitId,
      ]);
      // Not linked to a record yet: the form that uses it links it when saved.
      await this.audit.record(
        {
          action: 'attachment_uploaded',
          actor: user,
          target: { type: 'attachment', id: rows[0].id, label: name },
          detail: { file: name, size: file.content.length, sha256 },
        },
        manager,
      );
      return rows[0].id;
    });
    return { id, name, sizeLabel: sizeLabel(file.content.length), field };
  }

  /**
   * Deletes the uploads no saved record uses that are older than a day (a form abandoned after
   * its files were uploaded), in one statement that skips rows a save is linking right now, so
   * several instances may run it at once (the scheduler runs it nightly: orphan-uploads.job.ts).
   * Returns how many files went.
   */
  async purgeOrphanUploads(now: Date): Promise<number> {
    const cutoff = new Date(now.getTime() - ORPHAN_AGE_MS);
    const [rows]: [{ id: string }[], number] = await this.dataSource.query(PURGE_ORPHAN_UPLOADS, [
      cutoff.toISOString(),
    ]);
    return rows.length;
  }

  /** Removes files of a refused upload request that no record uses yet. */
  async discardUnlinked(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) {
      await this.dataSource.query(
        `DELETE FROM attachments a WHERE a.id = ANY($1::uuid[])
            AND NOT EXISTS (SELECT 1 FROM workflow_item_attachments l WHERE l.attachment_id = a.id)`,
        [ids],
      );
    }
  }

  /**
   * Sets the files of one field of a record revision. Only files uploaded by the user's own unit
   * (or already linked to this record) may be attached: ids of other units' files are refused.
   */
  async linkToItem(
    manager: EntityManager,
    itemId: string,
    field: string,
    attachmentIds: readonly string[],
    user: AuthUser,
  ): Promise<void> {
    const ids = [...new Set(attachmentIds.filter((id) => UUID.test(id)))];
    if (ids.length !== attachmentIds.length) {
      throw new AttachmentRefusedException('附件参数有误，请重新上传');
    }
    if (ids.length > 0) {
      const allowed: { id: string }[] = await manager.query(
        `SELECT a.id FROM attachments a
          WHERE a.id = ANY($1::uuid[])
            AND (a.unit_id = $2 OR EXISTS (SELECT 1 FROM workflow_item_attachments l WHERE l.attachment_id = a.id AND l.item_id = $3))`,
        [ids, user.unitId, itemId],
      );
      if (allowed.length !== ids.length) {
        throw new AttachmentRefusedException('附件不存在或无权使用，请重新上传');
      }
    }
    await manager.query(`DELETE FROM workflow_item_attachments WHERE item_id = $1 AND field = $2`, [
      itemId,
      field,
    ]);
    for (const [position, id] of ids.entries()) {
      await manager.query(
        `INSERT INTO workflow_item_attachments (item_id, attachment_id, field, position) VALUES ($1, $2, $3, $4)`,
        [itemId, id, field, position],
      );
    }
  }

  async listForItem(itemId: string): Promise<AttachmentView[]> {
    const rows: { id: string; original_name: string; size_bytes: number; field: string }[] =
      await this.dataSource.query(
        `SELECT a.id, a.original_name, a.size_bytes, l.field
         FROM workflow_item_attachments l JOIN attachments a ON a.id = l.attachment_id
        WHERE l.item_id = $1 ORDER BY l.field, l.position`,
        [itemId],
      );
    return rows.map((row) => ({
      id: row.id,
      name: row.original_name,
      sizeLabel: sizeLabel(row.size_bytes),
      field: row.field,
    }));
  }

  /**
   * Metadata of attachments by id, for re-rendering a form whose upload field has values. Scoped
   * like downloads (`readable`): an id of a file the user may not read is left out, so a posted
   * id of another unit's file never shows that file's name or size.
   */
  async describe(ids: readonly string[], user: AuthUser): Promise<AttachmentView[]> {
    const valid = ids.filter((id) => UUID.test(id));
    if (valid.length === 0) {
      return [];
    }
    const rows: { id: string; original_name: string; size_bytes: number; unit_id: number }[] =
      await this.dataSource.query(
        `SELECT id, original_name, size_bytes, unit_id FROM attachments WHERE id = ANY($1::uuid[])`,
        [valid],
      );
    const views: AttachmentView[] = [];
    for (const id of valid) {
      const row = rows.find((candidate) => candidate.id === id);
      if (row && (await this.mayRead(row.id, row.unit_id, user))) {
        views.push({
          id: row.id,
          name: row.original_name,
          sizeLabel: sizeLabel(row.size_bytes),
          field: '',
        });
      }
    }
    return views;
  }

  /** The file, when the user's unit uploaded it or may read a record it belongs to; else 404. */
  async readable(
    attachmentId: string,
    user: AuthUser,
  ): Promise<{ name: string; mediaType: string; content: Buffer; sha256: string }> {
    if (!UUID.test(attachmentId)) {
      throw new NotFoundException();
    }
    const rows: {
      original_name: string;
      media_type: string;
      content: Buffer;
      sha256: string;
      unit_id: number;
    }[] = await this.dataSource.query(
      `SELECT original_name, media_type, content, sha256, unit_id FROM attachments WHERE id = $1`,
      [attachmentId],
    );
    const file = rows[0];
    if (!file) {
      throw new NotFoundException();
    }
    if (!(await this.mayRead(attachmentId, file.unit_id, user))) {
      throw new NotFoundException();
    }
    return {
      name: file.original_name,
      mediaType: file.media_type,
      content: file.content,
      sha256: file.sha256,
    };
  }

  /** A download in the audit log: the file, the records it belongs to, its size and hash. */
  async recordDownload(
    attachmentId: string,
    file: { name: string; content: Buffer; sha256: string },
    user: AuthUser,
    ip: string,
  ): Promise<void> {
    const links: { item_id: string }[] = await this.dataSource.query(
      `SELECT item_id::text FROM workflow_item_attachments WHERE attachment_id = $1 ORDER BY item_id`,
      [attachmentId],
    );
    await this.audit.record({
      action: 'attachment_downloaded',
      actor: user,
      ip,
      target: { type: 'attachment', id: attachmentId, label: file.name },
      detail: {
        file: file.name,
        records: links.map((link) => link.item_id),
        size: file.content.length,
        sha256: file.sha256,
      },
    });
  }

  /**
   * Whether the user may read a file: their unit uploaded it, or it belongs to a record they may
   * view, or (office, leaders) it is a yearly major-project satisfaction report.
   */
  private async mayRead(attachmentId: string, unitId: number, user: AuthUser): Promise<boolean> {
    if (unitId === user.unitId) {
      return true;
    }
    const links: { item_id: string }[] = await this.dataSource.query(
      `SELECT item_id FROM workflow_item_attachments WHERE attachment_id = $1`,
      [attachmentId],
    );
    for (const link of links) {
      const item = await this.workflow.findItem(link.item_id);
      if (item && (await this.workflow.mayView(item, user))) {
        return true;
      }
    }
    if (hasRole(user, 'office', 'leader')) {
      // The yearly major-project satisfaction report is read by the office and leaders.
      const reports: unknown[] = await this.dataSource.query(
        `SELECT 1 FROM project_satisfaction_surveys WHERE report_attachment_id = $1`,
        [attachmentId],
      );
      return reports.length > 0;
    }
    return false;
  }
}
