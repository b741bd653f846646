/**
 * SQL of the attachments module that is more than a lookup by id.
 *
 * An upload is "unlinked" (an orphan once it is old) when no record revision lists it and no
 * yearly project-satisfaction survey names it as its report: the two places that reference
 * attachments (both foreign keys without cascade, so a delete racing a new link fails instead of
 * taking the link with it).
 */
const UNLINKED = `NOT EXISTS (SELECT 1 FROM workflow_item_attachments l WHERE l.attachment_id = a.id)
   AND NOT EXISTS (SELECT 1 FROM project_satisfaction_surveys s WHERE s.report_attachment_id = a.id)`;

/**
 * Deletes unlinked uploads created before $1 (now minus a day), in one statement. Rows another
 * transaction holds (a form linking the file right now takes a key-share lock through its foreign
 * key) are skipped, not waited for, so two instances purging at once split the rows and a save in
 * progress keeps its file. Returns the deleted ids.
 */
export const PURGE_ORPHAN_UPLOADS = `
  DELETE FROM attachments
   WHERE id IN (
     SELECT a.id FROM attachments a
      WHERE a.created_at < $1::timestamptz
        AND ${UNLINKED}
      FOR UPDATE SKIP LOCKED)
  RETURNING id`;

/** What one user holds unlinked: files and bytes. */
export const UNLINKED_USAGE = `
  SELECT count(*)::int AS files, coalesce(sum(a.size_bytes), 0)::bigint AS bytes
    FROM attachments a
   WHERE a.uploaded_by = $1
     AND ${UNLINKED}`;

/** Serialises one user's uploads (per transaction), so two at once cannot both pass the cap. */
export const LOCK_USER_UPLOADS = `SELECT pg_advisory_xact_lock(hashtextextended('attachments:unlinked:' || $1::text, 0))`;

export const INSERT_ATTACHMENT = `
  INSERT INTO attachments (original_name, media_type, size_bytes, sha256, content, uploaded_by, unit_id)
  VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`;
