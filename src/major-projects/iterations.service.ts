import { Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/auth-context.js';
import { FormInvalidException, type FieldErrors } from '../common/forms/form-validation.js';
import type { WorkflowItemRow } from '../workflow/workflow-item.js';
import { WorkflowService } from '../workflow/workflow.service.js';
import {
  checkBasis,
  checkMeasureText,
  checkPlans,
  parseBattleMapRows,
  type CheckedPlan,
  type PlanRow,
} from './battle-map-form.js';
import { BattleMapService, keyToToken } from './battle-map.service.js';
import { copyMapContent, readMapContent } from './map-content.js';
import { MAP_ITERATION_TYPE } from './project-labels.js';
import { ProjectsService, type ProjectRow } from './projects.service.js';

/** Plans of an iteration all serve its one measure; the form marks them with this token. */
export const ITERATION_MEASURE_TOKEN = 'self';

export interface IterationForm {
  kind: string;
  targetMeasure: string;
  text: string;
  basis: string;
  plans: PlanRow[];
}

interface CheckedIteration {
  kind: 'add' | 'edit';
  targetMeasureKey: string | null;
  text: string;
  basis: string;
  plans: CheckedPlan[];
}

export function parseIterationForm(body: Record<string, unknown>): IterationForm {
  const field = (name: string) => (typeof body[name] === 'string' ? body[name].trim() : '');
  return {
    kind: field('kind'),
    targetMeasure: field('targetMeasure'),
    text: field('text'),
    basis: field('basis'),
    plans: parseBattleMapRows(body).plans.map((plan) => ({
      ...plan,
      measure: ITERATION_MEASURE_TOKEN,
    })),
  };
}

/**
 * 措施迭代申请: after 下发 the measures and plans are frozen; a department adds a measure (with its
 * plans) or edits one through this record (own reviewer → office). Its approval makes the next
 * battle-map version: a copy of the version in force with the change applied, so plans of an
 * edited measure carry over and the previous version stays readable.
 */
@Injectable()
export class IterationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly workflow: WorkflowService,
    private readonly projects: ProjectsService,
    private readonly maps: BattleMapService,
  ) {}

  private async check(project: ProjectRow, form: IterationForm): Promise<CheckedIteration> {
    const errors: FieldErrors = {};
    const current = await readMapContent(this.dataSource.manager, project.current_content_id!);
    if (form.kind !== 'add' && form.kind !== 'edit') {
      errors.kind = ['请选择新增举措或编辑举措'];
    }
    const target = current.measures.find(
      (measure) => keyToToken(measure.measure_key) === form.targetMeasure,
    );
    if (form.kind === 'edit' && !target) {
      errors.targetMeasure = ['请选择要编辑的举措'];
    }
    checkMeasureText(form.text, 'text', errors);
    checkBasis(form.basis, errors);
    const plans = checkPlans(
      form.plans,
      {
        measureTokens: [ITERATION_MEASURE_TOKEN],
        planTypeIds: (await this.maps.planTypes()).map((type) => type.id),
        firstMonth: `${project.plan_year}-01`,
      },
      errors,
    );
    if (form.kind === 'add' && form.plans.length === 0) {
      errors.plans = ['新增举措请同时录入其月度推进计划'];
    }
    if (Object.keys(errors).length > 0) {
      throw new FormInvalidException(errors);
    }
    return {
      kind: form.kind as 'add' | 'edit',
      targetMeasureKey: form.kind === 'edit' ? target!.measure_key : null,
      text: form.text,
      basis: form.basis,
      plans,
    };
  }

  private requireIssued(project: ProjectRow, user: AuthUser): void {
    if (!user.roles.includes('entry') || user.unitId !== project.responsible_unit_id) {
      throw new NotFoundException();
    }
    if (project.current_content_id === null) {
      throw FormInvalidException.field('kind', '作战图确认下发后才能申请措施迭代');
    }
  }

  async create(
    projectId: string,
    form: IterationForm,
    submit: boolean,
    user: AuthUser,
    ip?: string,
  ): Promise<string> {
    const project = await this.projects.find(projectId, user);
    this.requireIssued(project, user);
    const checked = await this.check(project, form);
    const id = randomUUID();
    await this.dataSource.transaction(async (manager) => {
      await this.workflow.createDraft(
        manager,
        {
          type: MAP_ITERATION_TYPE,
          id,
          title: `${project.name}·措施迭代（${checked.kind === 'add' ? '新增举措' : '编辑举措'}）`,
          ownerUnitId: project.responsible_unit_id,
        },
        user,
      );
      await manager.query(
        `INSERT INTO map_iterations (id, lineage_id, project_id, kind, target_measure_key, text, basis)
         VALUES ($1, $1, $2, $3, $4, $5, $6)`,
        [id, project.id, checked.kind, checked.targetMeasureKey, checked.text, checked.basis],
      );
      await this.writePlans(manager, id, checked.plans);
      if (submit) {
        await this.workflow.transition(id, { action: 'submit' }, user, ip, manager);
      }
    });
    return id;
  }

  async update(
    id: string,
    form: IterationForm,
    submit: boolean,
    user: AuthUser,
    ip?: string,
  ): Promise<void> {
    const { item, project } = await this.find(id, user);
    if (!this.workflow.isEditableBy(item, user)) {
      throw FormInvalidException.field(
        'kind',
        this.workflow.readOnlyReason(item, user) ?? '当前不能修改',
      );
    }
    const checked = await this.check(project, form);
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `UPDATE map_iterations SET kind = $2, target_measure_key = $3, text = $4, basis = $5, updated_at = now() WHERE id = $1`,
        [id, checked.kind, checked.targetMeasureKey, checked.text, checked.basis],
      );
      await manager.query(`DELETE FROM map_iteration_plans WHERE iteration_id = $1`, [id]);
      await this.writePlans(manager, id, checked.plans);
      if (submit) {
        await this.workflow.transition(id, { action: 'submit' }, user, ip, manager);
      }
    });
  }

  private async writePlans(manager: EntityManager, id: string, plans: CheckedPlan[]) {
    for (const [position, plan] of plans.entries()) {
      await manager.query(
        `INSERT INTO map_iteration_plans (iteration_id, position, plan_month, plan_type_id, content) VALUES ($1, $2, $3, $4, $5)`,
        [id, position, plan.month, plan.typeId, plan.content],
      );
    }
  }

  isEditable(item: WorkflowItemRow, user: AuthUser): boolean {
    return this.workflow.isEditableBy(item, user);
  }

  async find(id: string, user: AuthUser) {
    const item = await this.workflow.findVisibleItem(id, user);
    if (item.record_type !== MAP_ITERATION_TYPE) {
      throw new NotFoundException();
    }
    const rows: {
      project_id: string;
      kind: 'add' | 'edit';
      target_measure_key: string | null;
      text: string;
      basis: string;
      resulting_version: number | null;
    }[] = await this.dataSource.query(
      `SELECT project_id, kind, target_measure_key, text, basis, resulting_version FROM map_iterations WHERE id = $1`,
      [id],
    );
    const iteration = rows[0];
    const project = await this.projects.find(iteration.project_id, user);
    const plans: {
      plan_month: string;
      plan_type_id: number;
      plan_type: string;
      content: string;
      position: number;
    }[] = await this.dataSource.query(
      `SELECT p.position, p.plan_month, p.plan_type_id, t.label AS plan_type, p.content
           FROM map_iteration_plans p JOIN dictionary_items t ON t.id = p.plan_type_id
          WHERE p.iteration_id = $1 ORDER BY p.position`,
      [id],
    );
    return { item, project, iteration, plans };
  }

  /** Runs in the approving transaction: the version in force plus this change becomes the next version. */
  async onApproved(manager: EntityManager, item: WorkflowItemRow): Promise<void> {
    const [iteration] = await manager.query<
      {
        project_id: string;
        kind: 'add' | 'edit';
        target_measure_key: string | null;
        text: string;
        basis: string;
      }[]
    >(
      `SELECT project_id, kind, target_measure_key, text, basis FROM map_iterations WHERE id = $1`,
      [item.id],
    );
    // Versions of one project are made one at a time: lock the project row.
    await manager.query(`SELECT id FROM major_projects WHERE id = $1 FOR UPDATE`, [
      iteration.project_id,
    ]);
    const [current] = await manager.query<{ id: string; version: number }[]>(
      `SELECT id, version FROM map_versions WHERE project_id = $1 ORDER BY version DESC LIMIT 1`,
      [iteration.project_id],
    );
    const versionId = randomUUID();
    const version = current.version + 1;
    await manager.query(
      `INSERT INTO map_versions (id, project_id, version, source_item_id, note) VALUES ($1, $2, $3, $4, $5)`,
      [
        versionId,
        iteration.project_id,
        version,
        item.id,
        iteration.kind === 'add' ? `措施迭代：新增举措` : `措施迭代：编辑举措`,
      ],
    );
    await copyMapContent(manager, current.id, versionId);
    let measureKey = iteration.target_measure_key;
    if (iteration.kind === 'add') {
      measureKey = randomUUID();
      await manager.query(
        `INSERT INTO map_measures (content_id, measure_key, position, text, basis)
         SELECT $1, $2, coalesce(max(position) + 1, 0), $3, $4 FROM map_measures WHERE content_id = $1`,
        [versionId, measureKey, iteration.text, iteration.basis],
      );
    } else {
      await manager.query(
        `UPDATE map_measures SET text = $3, basis = $4 WHERE content_id = $1 AND measure_key = $2`,
        [versionId, measureKey, iteration.text, iteration.basis],
      );
    }
    await manager.query(
      `INSERT INTO map_plans (content_id, plan_key, measure_key, position, plan_month, plan_type_id, content)
       SELECT $1, gen_random_uuid(), $2, (SELECT coalesce(max(position), 0) FROM map_plans WHERE content_id = $1) + 1 + ip.position,
              ip.plan_month, ip.plan_type_id, ip.content
         FROM map_iteration_plans ip WHERE ip.iteration_id = $3`,
      [versionId, measureKey, item.id],
    );
    await manager.query(`UPDATE map_iterations SET resulting_version = $2 WHERE id = $1`, [
      item.id,
      version,
    ]);
  }
}
