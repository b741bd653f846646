import type { AuthUser } from '../../auth/auth-context.js';
import { insertRow, updateRow } from '../../database/sql.js';
import type { RecordKit, RecordSave, RecordTable } from './record-kit.js';

/**
 * A record type a unit files as its own (改革需求, 成效亮点, 工作动态): its table (a row
 * `{ id, lineage_id, unit_id, ...content }` per revision) and what one save of its form writes.
 */
export interface UnitRecordType<F> {
  table: RecordTable;
  /** The form field the workflow item's title comes from (a refusal to edit is shown next to it). */
  titleField: string;
  save: (form: F) => Omit<RecordSave, 'competentUnitId'> & { content: Record<string, unknown> };
}

/** Files a record owned by the user's unit: revision 1 as a draft, its row, the optional submit. */
export function fileUnitRecord<F>(
  kit: RecordKit,
  type: UnitRecordType<F>,
  form: F,
  user: AuthUser,
  ip: string | undefined,
): Promise<string> {
  const { content, ...save } = type.save(form);
  return kit.fileRecord(
    { ...save, type: type.table.type, ownerUnitId: user.unitId },
    user,
    ip,
    (manager, id) =>
      insertRow(manager, type.table.table, {
        id,
        lineage_id: id,
        unit_id: user.unitId,
        ...content,
      }),
  );
}

/** Saves an editable revision of such a record (`validate` runs once it is known editable). */
export function updateUnitRecord<F>(
  kit: RecordKit,
  type: UnitRecordType<F>,
  id: string,
  form: F,
  user: AuthUser,
  ip: string | undefined,
  validate?: () => Promise<void> | void,
): Promise<void> {
  const { content, ...save } = type.save(form);
  const record = { type: type.table.type, field: type.titleField, validate };
  return kit.updateDraft(id, record, save, user, ip, (manager) =>
    updateRow(manager, type.table.table, id, content),
  );
}
