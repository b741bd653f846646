import { Module, type OnModuleInit } from '@nestjs/common';
import { CHAINS } from '../workflow/workflow-chain.js';
import { WorkflowRegistry } from '../workflow/workflow-registry.js';
import { BattleMapController } from './battle-map.controller.js';
import { BattleMapService } from './battle-map.service.js';
import { IterationsController } from './iterations.controller.js';
import { IterationsService } from './iterations.service.js';
import { BATTLE_MAP_TYPE, MAP_ITERATION_TYPE, projectRecordType } from './project-labels.js';
import { ProjectPageService, ProjectSectionsRegistry } from './project-page.service.js';
import { ProjectsController } from './projects.controller.js';
import { ProjectsService } from './projects.service.js';

/**
 * 市级重大改革项目管理 (seed 001): base info by the office, the battle map drawn by the responsible
 * department and issued by the office, versions through 措施迭代申请. The monthly updates live
 * in ./updates (ProjectUpdatesModule).
 */
@Module({
  controllers: [ProjectsController, BattleMapController, IterationsController],
  providers: [
    ProjectsService,
    BattleMapService,
    IterationsService,
    ProjectPageService,
    ProjectSectionsRegistry,
  ],
  exports: [ProjectsService, BattleMapService, IterationsService, ProjectSectionsRegistry],
})
export class MajorProjectsModule implements OnModuleInit {
  constructor(
    private readonly registry: WorkflowRegistry,
    private readonly maps: BattleMapService,
    private readonly iterations: IterationsService,
  ) {}

  onModuleInit(): void {
    this.registry.register(
      projectRecordType(BATTLE_MAP_TYPE, '项目作战图', 'maps', {
        chain: CHAINS.ownReviewerThenOfficeIssue,
        onApproved: (manager, item) => this.maps.onIssued(manager, item),
      }),
    );
    this.registry.register(
      projectRecordType(MAP_ITERATION_TYPE, '措施迭代申请', 'iterations', {
        chain: CHAINS.ownReviewerThenOffice,
        onApproved: (manager, item) => this.iterations.onApproved(manager, item),
      }),
    );
  }
}
