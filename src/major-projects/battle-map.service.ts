import { Injectable, NotFoundException } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/auth-context.js';
import { FormInvalidException } from '../common/forms/form-validation.js';
import { DictionariesService } from '../dictionaries/dictionaries.service.js';
import type { WorkflowItemRow } from '../workflow/workflow-item.js';
import { WorkflowService } from '../workflow/workflow.service.js';
import {
  checkBattleMap,
  formatCents,
  parseBattleMapRows,
  type BattleMapRows,
  type CheckedBattleMap,
} from './battle-map-form.js';
import { centsToDecimal, parseCents } from './decimal-cents.js';
import {
  copyMapContent,
  deleteMapContent,
  readMapContent,
  type MapContent,
} from './map-content.js';
import { ProjectsService, type ProjectRow } from './projects.service.js';

/** A fresh token for a row added in the page (persisted rows use their key without dashes). */
export function newRowToken(): string {
  return randomBytes(6).toString('hex');
}

export function keyToToken(key: string): string {
  return key.replaceAll('-', '');
}

/** A posted token maps back to its key when it is one; a new row gets a new key. */
export function tokenToKey(token: string): string {
  return /^[0-9a-f]{32}$/.test(token)
    ? `${token.slice(0, 8)}-${token.slice(8, 12)}-${token.slice(12, 16)}-${token.slice(16, 20)}-${token.slice(20)}`
    : randomUUID();
}

/** Map content as form rows, for drawing the form. */
export function contentToRows(content: MapContent): BattleMapRows {
  const amount = (value: string) => formatCents(parseCents(value) ?? 0n);
  return {
    indicators: content.indicators.map((indicator) => ({
      token: keyToToken(indicator.indicator_key),
      name: indicator.name,
      unit: indicator.unit_of_measure,
      annual: amount(indicator.annual_target),
      cumulative: indicator.cumulative ? '1' : '0',
      months: indicator.monthly_targets.map((value) => (Number(value) === 0 ? '' : amount(value))),
    })),
    measures: content.measures.map((measure) => ({
      token: keyToToken(measure.measure_key),
      text: measure.text,
    })),
    plans: content.plans.map((plan) => ({
      token: keyToToken(plan.plan_key),
      measure: keyToToken(plan.measure_key),
      month: plan.plan_month,
      type: String(plan.plan_type_id),
      content: plan.content,
    })),
  };
}

/**
 * 项目作战图: the responsible department's clerk draws the map (a workflow record owned by the
 * department, own reviewer → office 确认下发); once issued it is frozen as version 1 and changes
 * only through 措施迭代申请.
 */
@Injectable()
export class BattleMapService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly workflow: WorkflowService,
    private readonly projects: ProjectsService,
    private readonly dictionaries: DictionariesService,
  ) {}

  async planTypes() {
    return this.dictionaries.activeOptions('plan_type');
  }

  /** A map version's content (the version in force: `project.current_content_id`). */
  content(contentId: string): Promise<MapContent> {
    return readMapContent(this.dataSource.manager, contentId);
  }

  /** The content of the version in force; undefined until the map is issued. */
  async currentContent(project: ProjectRow): Promise<MapContent | undefined> {
    return project.current_content_id ? this.content(project.current_content_id) : undefined;
  }

  /** The project a map revision belongs to (the workflow's link of a map item). */
  async projectOfMap(itemId: string): Promise<string | undefined> {
    const rows: { project_id: string }[] = await this.dataSource.query(
      `SELECT project_id FROM battle_maps WHERE id = $1`,
      [itemId],
    );
    return rows[0]?.project_id;
  }

  /** The latest revision of the project's map. */
  async latestMapItem(project: ProjectRow): Promise<WorkflowItemRow> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM workflow_items WHERE lineage_id = $1 ORDER BY revision DESC LIMIT 1`,
      [project.map_lineage_id],
    );
    return (await this.workflow.findItem(rows[0].id))!;
  }

  async page(projectId: string, user: AuthUser) {
    const project = await this.projects.find(projectId, user);
    const item = await this.latestMapItem(project);
    const visible = await this.workflow.mayView(item, user);
    const editable = this.workflow.isEditableBy(item, user);
    // Once issued, the map shown is the version in force (措施迭代 make versions 2, 3, …); the
    // map item keeps the content as issued, which is version 1.
    const contentId = editable ? item.id : (project.current_content_id ?? item.id);
    return {
      project,
      item,
      /** Drafts are the department's own: others see the map once submitted. */
      visible,
      content: visible ? await readMapContent(this.dataSource.manager, contentId) : undefined,
      editable,
    };
  }

  async save(
    projectId: string,
    body: Record<string, unknown>,
    user: AuthUser,
    ip?: string,
  ): Promise<{ submitted: boolean }> {
    const project = await this.projects.find(projectId, user);
    const item = await this.latestMapItem(project);
    if (!this.workflow.isEditableBy(item, user)) {
      throw new NotFoundException();
    }
    const submit = body.submit === '1';
    const planTypeIds = (await this.planTypes()).map((type) => type.id);
    const { map, errors } = checkBattleMap(parseBattleMapRows(body), {
      submit,
      planYear: project.plan_year,
      planTypeIds,
    });
    if (Object.keys(errors).length > 0) {
      throw new FormInvalidException(errors);
    }
    await this.dataSource.transaction(async (manager) => {
      await deleteMapContent(manager, item.id);
      await this.writeContent(manager, item.id, map);
      await manager.query(`UPDATE battle_maps SET updated_at = now() WHERE id = $1`, [item.id]);
      if (submit) {
        await this.workflow.transition(item.id, { action: 'submit' }, user, ip, manager);
      }
    });
    return { submitted: submit };
  }

  private async writeContent(
    manager: EntityManager,
    contentId: string,
    map: CheckedBattleMap,
  ): Promise<void> {
    for (const [position, indicator] of map.indicators.entries()) {
      await manager.query(
        `INSERT INTO map_indicators (content_id, indicator_key, position, name, unit_of_measure, annual_target, monthly_targets, cumulative)
         VALUES ($1, $2, $3, $4, $5, $6, $7::numeric[], $8)`,
        [
          contentId,
          tokenToKey(indicator.token),
          position,
          indicator.name,
          indicator.unit,
          centsToDecimal(indicator.annualCents),
          indicator.monthlyCents.map(centsToDecimal),
          indicator.cumulative,
        ],
      );
    }
    const measureKeys = new Map<string, string>();
    for (const [position, measure] of map.measures.entries()) {
      const key = tokenToKey(measure.token);
      measureKeys.set(measure.token, key);
      await manager.query(
        `INSERT INTO map_measures (content_id, measure_key, position, text) VALUES ($1, $2, $3, $4)`,
        [contentId, key, position, measure.text],
      );
    }
    for (const [position, plan] of map.plans.entries()) {
      await manager.query(
        `INSERT INTO map_plans (content_id, plan_key, measure_key, position, plan_month, plan_type_id, content)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          contentId,
          tokenToKey(plan.token),
          measureKeys.get(plan.measureToken),
          position,
          plan.month,
          plan.typeId,
          plan.content,
        ],
      );
    }
  }

  /** Runs in the office's 确认下发 transaction: the issued map becomes version 1, frozen. */
  async onIssued(manager: EntityManager, item: WorkflowItemRow): Promise<void> {
    const rows: { project_id: string }[] = await manager.query(
      `SELECT project_id FROM battle_maps WHERE id = $1`,
      [item.id],
    );
    const versionId = randomUUID();
    await manager.query(
      `INSERT INTO map_versions (id, project_id, version, source_item_id, note) VALUES ($1, $2, 1, $3, '作战图确认下发')`,
      [versionId, rows[0].project_id, item.id],
    );
    await copyMapContent(manager, item.id, versionId);
  }
}
