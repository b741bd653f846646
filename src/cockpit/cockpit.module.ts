import { Module } from '@nestjs/common';
import { AssignmentsModule } from '../assignments/assignments.module.js';
import { ProjectSatisfactionModule } from '../major-projects/satisfaction/project-satisfaction.module.js';
import { ProjectUpdatesModule } from '../major-projects/updates/project-updates.module.js';
import { MeetingsModule } from '../meetings/meetings.module.js';
import { PilotsModule } from '../pilots/pilots.module.js';
import { RiskModule } from '../risk/risk.module.js';
import { SatisfactionModule } from '../satisfaction/satisfaction.module.js';
import { ScoringModule } from '../scoring/scoring.module.js';
import { ShowcaseModule } from '../showcase/showcase.module.js';
import { CockpitController } from './cockpit.controller.js';
import { DistrictCockpitService } from './district-cockpit.service.js';
import { ProjectCockpitService } from './project-cockpit.service.js';

/** 驾驶舱 (DESIGN §5): the district cockpit and the major-project cockpit. */
@Module({
  imports: [
    ScoringModule,
    PilotsModule,
    ShowcaseModule,
    AssignmentsModule,
    SatisfactionModule,
    RiskModule,
    ProjectUpdatesModule,
    ProjectSatisfactionModule,
    MeetingsModule,
  ],
  controllers: [CockpitController],
  providers: [DistrictCockpitService, ProjectCockpitService],
  exports: [DistrictCockpitService],
})
export class CockpitModule {}
