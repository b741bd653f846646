import { Module } from '@nestjs/common';
import { MajorProjectsModule } from '../major-projects.module.js';
import { ProjectStatsService } from './project-stats.service.js';

/** The monthly updates of an issued battle map (seed 001 4.2–4.5). */
@Module({
  imports: [MajorProjectsModule],
  providers: [ProjectStatsService],
  exports: [ProjectStatsService],
})
export class ProjectUpdatesModule {}
