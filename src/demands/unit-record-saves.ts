import type { AuthUser } from '../auth/auth-context.js';
import { insertRow, updateRow } from '../database/sql.js';
import type { RecordKit, RecordSave, RecordTable } from '../workflow/record-kit/record-kit.js';

/** One save of a record a unit files as its own: the kit's part and the row's content columns. */
export interface UnitRecordSave extends Omit<RecordSave, 'competentUnitId'> {
  content: Record<string, unknown>;
}

/**
 * Files a record owned by the user's unit (改革需求, 成效亮点, 工作动态): revision 1 as a draft, its
 * row `{ id, lineage_id: id, unit_id, ...content }` in `table`, and the optional submit.
 */
export function fileUnitRecord(
  kit: RecordKit,
  table: RecordTable,
  { content, ...save }: UnitRecordSave,
  user: AuthUser,
  ip: string | undefined,
): Promise<string> {
  return kit.fileRecord(
    { ...save, type: table.type, ownerUnitId: user.unitId },
    user,
    ip,
    (manager, id) =>
      insertRow(manager, table.table, { id, lineage_id: id, unit_id: user.unitId, ...content }),
  );
}

/** Saves an editable revision of such a record: its content columns (and the optional submit). */
export function updateUnitRecord(
  kit: RecordKit,
  table: RecordTable,
  id: string,
  record: { field: string; validate?: () => Promise<void> | void },
  { content, ...save }: UnitRecordSave,
  user: AuthUser,
  ip: string | undefined,
): Promise<void> {
  return kit.updateDraft(id, { ...record, type: table.type }, save, user, ip, (manager) =>
    updateRow(manager, table.table, id, content),
  );
}
