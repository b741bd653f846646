import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/time/clock.js';
import type { AssignmentKind } from './assignment-kinds.js';
import { dueCutoffs } from './task-due-rules.js';

export interface UnitTaskStats {
  unitId: number;
  unitName: string;
  unitKind: 'district' | 'department';
  assigned: number;
  /** The latest approved progress says 推进中 or 未启动. */
  inProgress: number;
  completed: number;
  /** No approved progress and the deadline has passed. */
  overdue: number;
  /** Assigned, but nothing approved yet and not overdue. */
  awaitingFirst: number;
}

export interface DemandHeatRow extends UnitTaskStats {
  /** Demands with an approved current revision. */
  demandsApproved: number;
}

/**
 * Per-unit figures for the cockpits (改革需求热力榜, 问题破解), over approved data only: a task
 * counts as in progress or completed by its latest approved progress, never by a draft or a
 * filing under review. One grouped query for all units.
 */
@Injectable()
export class AssignmentStatsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async taskStatsByUnit(kind: AssignmentKind): Promise<UnitTaskStats[]> {
    const { today } = dueCutoffs(this.clock.now());
    const rows: {
      unit_id: number;
      unit_name: string;
      unit_kind: 'district' | 'department';
      assigned: number;
      in_progress: number;
      completed: number;
      overdue: number;
      awaiting_first: number;
    }[] = await this.dataSource.query(
      `SELECT u.id AS unit_id, u.name AS unit_name, u.kind AS unit_kind,
              count(t.id)::int AS assigned,
              count(t.id) FILTER (WHERE t.latest_status IN ('in_progress', 'not_started'))::int AS in_progress,
              count(t.id) FILTER (WHERE t.latest_status = 'completed')::int AS completed,
              count(t.id) FILTER (WHERE t.latest_status IS NULL AND a.deadline < $2::date)::int AS overdue,
              count(t.id) FILTER (WHERE t.latest_status IS NULL AND a.deadline >= $2::date)::int AS awaiting_first
         FROM units u
         LEFT JOIN assignment_tasks t ON t.unit_id = u.id
              AND EXISTS (SELECT 1 FROM assignments a2 WHERE a2.id = t.assignment_id AND a2.kind = $1)
         LEFT JOIN assignments a ON a.id = t.assignment_id
        WHERE u.active AND u.kind IN ('district', 'department')
        GROUP BY u.id
        ORDER BY u.sort_order`,
      [kind, today],
    );
    return rows.map((row) => ({
      unitId: row.unit_id,
      unitName: row.unit_name,
      unitKind: row.unit_kind,
      assigned: row.assigned,
      inProgress: row.in_progress,
      completed: row.completed,
      overdue: row.overdue,
      awaitingFirst: row.awaiting_first,
    }));
  }

  /** 问题破解: blockers per unit. */
  problemSolving(): Promise<UnitTaskStats[]> {
    return this.taskStatsByUnit('blocker');
  }

  /** 改革需求热力榜: approved demands and demand-list tasks per unit. */
  async demandHeat(): Promise<DemandHeatRow[]> {
    const tasks = await this.taskStatsByUnit('demand_list');
    const demands: { unit_id: number; approved: number }[] = await this.dataSource.query(
      `SELECT owner_unit_id AS unit_id, count(*)::int AS approved
         FROM workflow_items WHERE record_type = 'demand' AND is_current_approved
        GROUP BY owner_unit_id`,
    );
    const approvedByUnit = new Map(demands.map((row) => [row.unit_id, row.approved]));
    return tasks.map((row) => ({ ...row, demandsApproved: approvedByUnit.get(row.unitId) ?? 0 }));
  }
}
