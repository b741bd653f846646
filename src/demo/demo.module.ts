import { Module } from '@nestjs/common';
import { AssignmentsModule } from '../assignments/assignments.module.js';
import { DemandsModule } from '../demands/demands.module.js';
import { MeetingsModule } from '../meetings/meetings.module.js';
import { MajorProjectsModule } from '../major-projects/major-projects.module.js';
import { ProjectSatisfactionModule } from '../major-projects/satisfaction/project-satisfaction.module.js';
import { PilotsModule } from '../pilots/pilots.module.js';
import { RiskModule } from '../risk/risk.module.js';
import { SatisfactionModule } from '../satisfaction/satisfaction.module.js';
import { ShowcaseModule } from '../showcase/showcase.module.js';
import { DemoMeetingsSeeder } from './demo-meetings.seeder.js';
import { NewsModule } from '../news/news.module.js';
import { DemoNewsSeeder } from './demo-news.seeder.js';
import { DemoMajorProjectsSeeder } from './demo-major-projects.seeder.js';
import { DemoRecordsSeeder } from './demo-records.seeder.js';
import { DemoReportsSeeder } from './demo-reports.seeder.js';
import { ProjectUpdatesModule } from '../major-projects/updates/project-updates.module.js';
import { ScoringModule } from '../scoring/scoring.module.js';

/** The feature modules whose data the demo seeds; the app imports them through this list. */
export const SEEDED_MODULES = [
  DemandsModule,
  AssignmentsModule,
  PilotsModule,
  ShowcaseModule,
  RiskModule,
  SatisfactionModule,
  MajorProjectsModule,
  ProjectSatisfactionModule,
  ProjectUpdatesModule,
  ScoringModule,
  MeetingsModule,
  NewsModule,
];

@Module({
  imports: SEEDED_MODULES,
  providers: [
    DemoRecordsSeeder,
    DemoMajorProjectsSeeder,
    DemoReportsSeeder,
    DemoMeetingsSeeder,
    DemoNewsSeeder,
  ],
  exports: [DemoRecordsSeeder],
})
export class DemoModule {}
