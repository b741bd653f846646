import { Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { AttachmentsService } from '../attachments/attachments.service.js';
import type { AuthUser } from '../auth/auth-context.js';
import { hasRole } from '../auth/auth-context.js';
import { FormInvalidException, type FieldErrors } from '../common/forms/form-validation.js';
import { DEFAULT_PAGE_SIZE } from '../common/http/pagination.js';
import { SqlConditions } from '../database/sql.js';
import { DictionariesService } from '../dictionaries/dictionaries.service.js';
import { WorkflowService } from '../workflow/workflow.service.js';
import type { ProjectFormDto } from './project-form.dto.js';
import { BATTLE_MAP_TYPE, PROJECT_STATUS_LABELS, type ProjectStatus } from './project-labels.js';
import type { SqlRunner } from '../database/sql-runner.js';

export interface ProjectRow {
  id: string;
  name: string;
  domain_id: number;
  domain: string;
  responsible_unit_id: number;
  responsible_unit: string;
  lead_leader: string;
  status: ProjectStatus;
  statusLabel: string;
  plan_year: number;
  map_lineage_id: string;
  /** The issued version in force (null until the office issues the battle map). */
  current_version: number | null;
  current_content_id: string | null;
  /** State of the battle map's latest revision. */
  map_state: string;
}

const PROJECT_COLUMNS = `p.id, p.name, p.domain_id, d.label AS domain, p.responsible_unit_id, u.name AS responsible_unit,
  p.lead_leader, p.status, p.plan_year, p.map_lineage_id,
  v.version AS current_version, v.id AS current_content_id,
  (SELECT wi.state FROM workflow_items wi WHERE wi.lineage_id = p.map_lineage_id ORDER BY wi.revision DESC LIMIT 1) AS map_state`;

const PROJECT_FROM = `major_projects p
  JOIN dictionary_items d ON d.id = p.domain_id
  JOIN units u ON u.id = p.responsible_unit_id
  LEFT JOIN LATERAL (SELECT mv.id, mv.version FROM map_versions mv WHERE mv.project_id = p.id ORDER BY mv.version DESC LIMIT 1) v ON true`;

/**
 * 市级重大改革项目: the office enters base info and assigns the project to its responsible
 * department, which gets an empty battle map to draw. Office, leaders and admins read every
 * project; a department reads its own.
 */
@Injectable()
export class ProjectsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly workflow: WorkflowService,
    private readonly attachments: AttachmentsService,
    private readonly dictionaries: DictionariesService,
  ) {}

  canReadAll(user: AuthUser): boolean {
    return hasRole(user, 'office', 'leader', 'admin');
  }

  async formOptions() {
    const [domains, departments] = await Promise.all([
      this.dictionaries.activeOptions('domain'),
      this.dataSource.query<{ id: number; name: string }[]>(
        `SELECT id, name FROM units WHERE kind = 'department' AND active ORDER BY sort_order, id`,
      ),
    ]);
    return { domains, departments };
  }

  /**
   * The rules of the project form a DTO cannot check, all at once: an active domain, a municipal
   * department as responsible unit, which an existing `project` keeps (it owns the map). Fields
   * the DTO refused (`failed`) are not checked (see validateForm).
   */
  async formErrors(
    form: ProjectFormDto,
    project?: ProjectRow,
    failed: ReadonlySet<string> = new Set(),
  ): Promise<FieldErrors> {
    const errors: FieldErrors = {};
    if (!failed.has('domainId') && !(await this.dictionaries.isActive('domain', form.domainId))) {
      errors.domainId = ['请选择所属领域'];
    }
    if (!failed.has('responsibleUnitId')) {
      if (project && form.responsibleUnitId !== project.responsible_unit_id) {
        errors.responsibleUnitId = ['责任单位已负责绘制作战图，不能更换；如需更换请新建项目'];
      } else {
        const units: { id: number }[] = await this.dataSource.query(
          `SELECT id FROM units WHERE id = $1 AND kind = 'department' AND active`,
          [form.responsibleUnitId],
        );
        if (units.length === 0) {
          errors.responsibleUnitId = ['请选择市级部门作为责任单位'];
        }
      }
    }
    return errors;
  }

  private async check(form: ProjectFormDto, project?: ProjectRow): Promise<void> {
    const errors = await this.formErrors(form, project);
    if (Object.keys(errors).length > 0) {
      throw new FormInvalidException(errors);
    }
  }

  /** Creates the project and the responsible department's empty battle map (a draft it owns). */
  async create(form: ProjectFormDto, user: AuthUser): Promise<string> {
    await this.check(form);
    const projectId = randomUUID();
    const mapId = randomUUID();
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO major_projects (id, name, domain_id, responsible_unit_id, lead_leader, status, plan_year, map_lineage_id, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          projectId,
          form.name,
          form.domainId,
          form.responsibleUnitId,
          form.leadLeader,
          form.closed ? 'closed' : 'accelerating',
          form.planYear,
          mapId,
          user.id,
        ],
      );
      await this.workflow.createDraft(
        manager,
        {
          type: BATTLE_MAP_TYPE,
          id: mapId,
          title: `${form.name}·项目作战图`,
          ownerUnitId: form.responsibleUnitId,
        },
        user,
      );
      await manager.query(
        `INSERT INTO battle_maps (id, lineage_id, project_id) VALUES ($1, $1, $2)`,
        [mapId, projectId],
      );
      await this.attachments.linkToItem(manager, mapId, 'reform_plan', form.reformPlan, user);
    });
    return projectId;
  }

  /** Base info changes; the responsible unit is fixed once the project exists (it owns the map). */
  async update(id: string, form: ProjectFormDto, user: AuthUser): Promise<void> {
    const project = await this.find(id, user);
    await this.check(form, project);
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `UPDATE major_projects SET name = $2, domain_id = $3, lead_leader = $4, status = $5, plan_year = $6, updated_at = now()
          WHERE id = $1`,
        [
          id,
          form.name,
          form.domainId,
          form.leadLeader,
          form.closed ? 'closed' : 'accelerating',
          project.current_version === null ? form.planYear : project.plan_year,
        ],
      );
      const firstMap = project.map_lineage_id;
      await this.attachments.linkToItem(manager, firstMap, 'reform_plan', form.reformPlan, user);
    });
  }

  /** The project if the user may read it; otherwise 404. */
  async find(
    id: string,
    user: AuthUser,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<ProjectRow> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) {
      throw new NotFoundException();
    }
    const rows: Omit<ProjectRow, 'statusLabel'>[] = await manager.query(
      `SELECT ${PROJECT_COLUMNS} FROM ${PROJECT_FROM} WHERE p.id = $1`,
      [id],
    );
    const project = rows[0];
    if (!project || !(this.canReadAll(user) || project.responsible_unit_id === user.unitId)) {
      throw new NotFoundException();
    }
    return { ...project, statusLabel: PROJECT_STATUS_LABELS[project.status] };
  }

  /** Projects the user may read, filtered and paged, for the ledger and pickers. */
  async ledger(
    user: AuthUser,
    filter: {
      q?: string;
      domainId?: number;
      unitId?: number;
      status?: ProjectStatus;
      page: number;
    },
    pageSize = DEFAULT_PAGE_SIZE,
    db: SqlRunner = this.dataSource,
  ): Promise<{ rows: ProjectRow[]; total: number }> {
    const conditions = new SqlConditions();
    if (!this.canReadAll(user)) {
      conditions.add('p.responsible_unit_id = ?', user.unitId);
    }
    if (filter.q) {
      conditions.add(`p.name ILIKE '%' || ? || '%'`, filter.q.replace(/[%_\\]/g, '\\$&'));
    }
    if (filter.domainId) {
      conditions.add('p.domain_id = ?', filter.domainId);
    }
    if (filter.unitId) {
      conditions.add('p.responsible_unit_id = ?', filter.unitId);
    }
    if (filter.status) {
      conditions.add('p.status = ?', filter.status);
    }
    const limit = conditions.bind(pageSize);
    const offset = conditions.bind((filter.page - 1) * pageSize);
    const rows: (Omit<ProjectRow, 'statusLabel'> & { total: number })[] = await db.query(
      `SELECT ${PROJECT_COLUMNS}, count(*) OVER ()::int AS total FROM ${PROJECT_FROM}
          WHERE ${String(conditions)} ORDER BY p.created_at DESC, p.id LIMIT ${limit} OFFSET ${offset}`,
      conditions.params,
    );
    return {
      total: rows[0]?.total ?? 0,
      rows: rows.map(({ total: _total, ...row }) => ({
        ...row,
        statusLabel: PROJECT_STATUS_LABELS[row.status],
      })),
    };
  }

  /** Every project the user may read, for pickers (risk events, satisfaction). */
  async choices(user: AuthUser): Promise<{ id: string; name: string }[]> {
    return this.dataSource.query(
      `SELECT id, name FROM major_projects WHERE ($1 OR responsible_unit_id = $2) ORDER BY name`,
      [this.canReadAll(user), user.unitId],
    );
  }

  /** The units that are responsible for a project (the ledgers' 责任单位 filter). */
  responsibleUnits(): Promise<{ id: number; name: string }[]> {
    return this.dataSource.query(
      `SELECT u.id, u.name FROM units u
        WHERE EXISTS (SELECT 1 FROM major_projects p WHERE p.responsible_unit_id = u.id)
        ORDER BY u.sort_order, u.id`,
    );
  }

  async versions(
    projectId: string,
  ): Promise<{ id: string; version: number; note: string; created_at: Date }[]> {
    return this.dataSource.query(
      `SELECT id, version, note, created_at FROM map_versions WHERE project_id = $1 ORDER BY version DESC`,
      [projectId],
    );
  }
}
