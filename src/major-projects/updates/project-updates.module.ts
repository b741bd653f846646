import { Module } from '@nestjs/common';
import { MajorProjectsModule } from '../major-projects.module.js';

/** The monthly updates of an issued battle map (seed 001 4.2–4.5). */
@Module({ imports: [MajorProjectsModule] })
export class ProjectUpdatesModule {}
