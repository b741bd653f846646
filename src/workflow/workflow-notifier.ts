import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { WorkflowItemRow } from './workflow-item.js';
import type { RecordTypeDefinition } from './workflow-registry.js';
import type { WorkflowAction } from './workflow-rules.js';

/**
 * In-app notifications written in the transition's transaction: the people who must act next, and
 * the clerk who filed when the record comes back or is approved. No e-mail, no SMS.
 */
@Injectable()
export class WorkflowNotifier {
  async afterTransition(
    manager: EntityManager,
    item: WorkflowItemRow,
    action: WorkflowAction,
    definition: RecordTypeDefinition,
    reasonLabel: string | undefined,
  ): Promise<void> {
    const link = definition.link(item.id);
    const subject = `${definition.label}《${item.title}》`;
    // Whatever waited for someone before this move no longer does.
    await manager.query(
      `DELETE FROM notifications WHERE item_id = $1 AND kind = 'inbox' AND read_at IS NULL`,
      [item.id],
    );
    if (item.state === 'pending' && item.pending_unit_id !== null && item.pending_role !== null) {
      await manager.query(
        `INSERT INTO notifications (user_id, item_id, kind, message, link)
         SELECT id, $1, 'inbox', $2, $3 FROM users WHERE unit_id = $4 AND $5 = ANY(roles) AND active`,
        [
          item.id,
          `${subject}待您审核（${item.owner_unit_name}）`,
          link,
          item.pending_unit_id,
          item.pending_role,
        ],
      );
      return;
    }
    const filer = item.submitted_by ?? item.created_by;
    if (item.state === 'returned') {
      const verb = action === 'return' ? '被退回完善' : '被驳回';
      await manager.query(
        `INSERT INTO notifications (user_id, item_id, kind, message, link) VALUES ($1, $2, 'returned', $3, $4)`,
        [filer, item.id, `您上报的${subject}${verb}：${reasonLabel ?? ''}`, link],
      );
    } else if (item.state === 'approved') {
      await manager.query(
        `INSERT INTO notifications (user_id, item_id, kind, message, link) VALUES ($1, $2, 'approved', $3, $4)`,
        [filer, item.id, `您上报的${subject}已审核通过`, link],
      );
    }
  }
}
