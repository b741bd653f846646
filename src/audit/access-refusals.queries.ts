/** SQL of the refused-request counter (table audit_access_refusals, migration 1764200000000). */

/** One more refusal in the current minute: a new row, or the count of the existing one + 1. */
export const COUNT_REFUSAL = `
  INSERT INTO audit_access_refusals
    (kind, actor_key, actor_id, method, route, minute, status, first_path, ip, request_id)
  VALUES ($1, $2, $3, $4, $5, date_trunc('minute', now()), $6, $7, $8, $9)
  ON CONFLICT (kind, actor_key, method, route, status, minute)
  DO UPDATE SET count = audit_access_refusals.count + 1`;

/**
 * Takes the minutes that have ended (before $1's minute) out of the counter. Concurrent flushes on
 * several instances cannot both take a row: the second DELETE waits for the first and then finds
 * the row gone.
 */
export const TAKE_CLOSED_MINUTES = `
  DELETE FROM audit_access_refusals
   WHERE minute < date_trunc('minute', $1::timestamptz)
  RETURNING kind, actor_id::text AS actor_id, method, route, status, count, first_path, ip, request_id,
            to_char(minute AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') AS minute`;
