import { Module } from '@nestjs/common';
import { AssignmentsModule } from '../assignments/assignments.module.js';
import { DemandsModule } from '../demands/demands.module.js';
import { PilotsModule } from '../pilots/pilots.module.js';
import { DemoRecordsSeeder } from './demo-records.seeder.js';

@Module({
  imports: [DemandsModule, AssignmentsModule, PilotsModule],
  providers: [DemoRecordsSeeder],
  exports: [DemoRecordsSeeder],
})
export class DemoModule {}
