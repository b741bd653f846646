import { NotFoundException } from '@nestjs/common';
import type { AuthUser } from '../../auth/auth-context.js';
import type { RecordKit } from './record-kit.js';
import type { WorkflowItemRow } from '../workflow-item.js';

/**
 * A record's page starts here: its workflow item, when the user may read it and it is of `type`,
 * and the module's row of it (`rows.find`, the module's queries); 404 when either is missing.
 */
export async function visibleRecord<R>(
  kit: RecordKit,
  type: string,
  id: string,
  user: AuthUser,
  rows: { find(id: string): Promise<R | undefined> },
): Promise<{ item: WorkflowItemRow; row: R }> {
  const item = await kit.requireVisible(id, type, user);
  const row = await rows.find(id);
  if (!row) {
    throw new NotFoundException();
  }
  return { item, row };
}
