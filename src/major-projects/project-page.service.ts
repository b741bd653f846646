import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AttachmentsService } from '../attachments/attachments.service.js';
import type { AuthUser } from '../auth/auth-context.js';
import { WORKFLOW_STATE_LABELS } from '../workflow/workflow-chain.js';
import { WORKFLOW_ACTION_LABELS } from '../workflow/workflow-rules.js';
import { WorkflowService } from '../workflow/workflow.service.js';
import { BattleMapService } from './battle-map.service.js';
import { readMapContent, type MapContent } from './map-content.js';
import { ProjectsService, type ProjectRow } from './projects.service.js';

/** A block of the project page another module fills (the monthly updates add theirs). */
export interface ProjectPageSection {
  /** A partial path under views/, e.g. 'major-projects/updates/_plans-status'. */
  partial: string;
  data: unknown;
}
export type ProjectSectionProvider = (
  project: ProjectRow,
  user: AuthUser,
) => Promise<ProjectPageSection[]>;

@Injectable()
export class ProjectSectionsRegistry {
  private readonly providers: ProjectSectionProvider[] = [];

  register(provider: ProjectSectionProvider): void {
    this.providers.push(provider);
  }

  async sections(project: ProjectRow, user: AuthUser): Promise<ProjectPageSection[]> {
    const all = await Promise.all(this.providers.map((provider) => provider(project, user)));
    return all.flat();
  }
}

/** Measures of a version with their plans underneath, as the project page lists them. */
export function measuresWithPlans(content: MapContent) {
  return content.measures.map((measure, index) => ({
    ...measure,
    number: index + 1,
    plans: content.plans.filter((plan) => plan.measure_key === measure.measure_key),
  }));
}

/**
 * The project page: base info, the battle map version in force, what the update modules add
 * (indicator progress, plans, promotions, brand items) and the timeline of every record.
 */
@Injectable()
export class ProjectPageService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly projects: ProjectsService,
    private readonly maps: BattleMapService,
    private readonly workflow: WorkflowService,
    private readonly attachments: AttachmentsService,
    private readonly sections: ProjectSectionsRegistry,
  ) {}

  async build(id: string, user: AuthUser) {
    const project = await this.projects.find(id, user);
    const mapItem = await this.maps.latestMapItem(project);
    const content = project.current_content_id
      ? await readMapContent(this.dataSource.manager, project.current_content_id)
      : undefined;
    const planFiles = (await this.attachments.listForItem(project.map_lineage_id)).filter(
      (file) => file.field === 'reform_plan',
    );
    const isOwnClerk = user.roles.includes('entry') && user.unitId === project.responsible_unit_id;
    return {
      title: project.name,
      charts: true,
      project,
      planFiles,
      map: {
        item: mapItem,
        stateLabel: WORKFLOW_STATE_LABELS[mapItem.state],
        visible: await this.workflow.mayView(mapItem, user),
        href: `/major-projects/${project.id}/map`,
      },
      content,
      measures: content ? measuresWithPlans(content) : [],
      versions: await this.projects.versions(project.id),
      canEditBase: user.roles.includes('office'),
      canIterate: isOwnClerk && project.current_version !== null,
      isOwnClerk,
      sections: project.current_version === null ? [] : await this.sections.sections(project, user),
      actionLabels: WORKFLOW_ACTION_LABELS,
      timeline: await this.timeline(
        project,
        user.roles.includes('office') || user.unitId === project.responsible_unit_id,
      ),
    };
  }

  /** Every workflow event of the project's records, newest first (the map, iterations, updates). */
  private async timeline(project: ProjectRow, seesPending: boolean) {
    return this.dataSource.query<
      {
        created_at: Date;
        action: string;
        step_label: string | null;
        actor_name: string;
        actor_unit_name: string;
        reason_label: string | null;
        title: string;
        record_type: string;
        item_id: string;
      }[]
    >(
      `SELECT e.at AS created_at, e.action, e.step_label, e.actor_name, e.actor_unit_name, e.reason_label, wi.title, wi.record_type, wi.id AS item_id
         FROM workflow_events e JOIN workflow_items wi ON wi.id = e.item_id
        WHERE (e.lineage_id = $1
           OR e.lineage_id IN (
             SELECT lineage_id FROM map_iterations WHERE project_id = $2
             UNION SELECT lineage_id FROM indicator_reports WHERE project_id = $2
             UNION SELECT lineage_id FROM plan_updates WHERE project_id = $2
             UNION SELECT lineage_id FROM project_promotions WHERE project_id = $2
             UNION SELECT lineage_id FROM project_brand_items WHERE project_id = $2))
          AND e.to_state <> 'draft'
          AND ($3 OR wi.state = 'approved')
        ORDER BY e.at DESC, e.id DESC LIMIT 30`,
      [project.map_lineage_id, project.id, seesPending],
    );
  }
}
