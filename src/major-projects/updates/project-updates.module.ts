import { Module, type OnModuleInit } from '@nestjs/common';
import { CHAINS } from '../../workflow/workflow-chain.js';
import { WorkflowRegistry } from '../../workflow/workflow-registry.js';
import { MajorProjectsModule } from '../major-projects.module.js';
import { ProjectSectionsRegistry } from '../project-page.service.js';
import {
  INDICATOR_REPORT_TYPE,
  PLAN_UPDATE_TYPE,
  PROJECT_BRAND_TYPE,
  PROJECT_PROMOTION_TYPE,
  projectRecordType,
} from '../project-labels.js';
import { BrandItemsController } from './brand-items.controller.js';
import { BrandItemsQueries } from './brand-items.queries.js';
import { BrandItemsService } from './brand-items.service.js';
import { IndicatorReportsController } from './indicator-reports.controller.js';
import { IndicatorReportsQueries } from './indicator-reports.queries.js';
import { IndicatorReportsService } from './indicator-reports.service.js';
import { PlanUpdatesController } from './plan-updates.controller.js';
import { PlanUpdatesQueries } from './plan-updates.queries.js';
import { PlanUpdatesService } from './plan-updates.service.js';
import { UPDATE_LISTING } from './update-access.js';
import { ProjectProgressService } from './project-progress.service.js';
import { ProjectStatsService } from './project-stats.service.js';
import { ProjectUpdateDeps } from './project-update.service.js';
import { PromotionsController } from './promotions.controller.js';
import { PromotionsQueries } from './promotions.queries.js';
import { PromotionsService } from './promotions.service.js';
import { UpdateLedgersController } from './update-ledgers.controller.js';

/** The update record types: type, label, the path of their pages under /major-projects. */
const UPDATE_TYPES = [
  [INDICATOR_REPORT_TYPE, '量化目标推进更新', 'indicator-reports'],
  [PLAN_UPDATE_TYPE, '月度计划推进更新', 'plan-updates'],
  [PROJECT_PROMOTION_TYPE, '经验复制推广推进更新', 'promotions'],
  [PROJECT_BRAND_TYPE, '品牌显示度推进更新', 'brand-items'],
] as const;

/**
 * The monthly updates of an issued battle map (seed 001 4.2–4.5): indicator progress, plan status,
 * promotions and brand items, each filed by the responsible department's clerk and reviewed own
 * reviewer → office; their ledgers; the project page's progress sections; the per-project figures
 * the major-project index reads.
 */
@Module({
  imports: [MajorProjectsModule],
  // The ledgers' static paths come first so `/major-projects/ledgers/...` never reads as a project id.
  controllers: [
    UpdateLedgersController,
    IndicatorReportsController,
    PlanUpdatesController,
    PromotionsController,
    BrandItemsController,
  ],
  providers: [
    ProjectUpdateDeps,
    IndicatorReportsService,
    IndicatorReportsQueries,
    PlanUpdatesService,
    PlanUpdatesQueries,
    PromotionsService,
    PromotionsQueries,
    BrandItemsService,
    BrandItemsQueries,
    ProjectProgressService,
    ProjectStatsService,
  ],
  exports: [
    ProjectProgressService,
    ProjectStatsService,
    IndicatorReportsService,
    PlanUpdatesService,
  ],
})
export class ProjectUpdatesModule implements OnModuleInit {
  constructor(
    private readonly registry: WorkflowRegistry,
    private readonly sections: ProjectSectionsRegistry,
    private readonly progress: ProjectProgressService,
  ) {}

  onModuleInit(): void {
    // The project page shows the progress sections (indicators, plans, promotions, brand items).
    this.sections.register((project, user) => this.progress.pageSections(project, user));
    for (const [type, label, path] of UPDATE_TYPES) {
      this.registry.register(
        projectRecordType(type, label, path, {
          chain: CHAINS.ownReviewerThenOffice,
          listing: UPDATE_LISTING,
        }),
      );
    }
  }
}
