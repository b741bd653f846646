import { Global, Module } from '@nestjs/common';
import { SchedulerService } from './scheduler.service.js';

/** The in-app scheduler, for every module to register its jobs with. */
@Global()
@Module({ providers: [SchedulerService], exports: [SchedulerService] })
export class SchedulerModule {}
