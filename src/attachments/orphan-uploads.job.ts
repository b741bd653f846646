import { Injectable, type OnModuleInit } from '@nestjs/common';
import { daily } from '../scheduler/schedule.js';
import { SchedulerService } from '../scheduler/scheduler.service.js';
import { AttachmentsService } from './attachments.service.js';

/** Every night, once across instances: uploads no saved record used within a day are deleted. */
@Injectable()
export class OrphanUploadsJob implements OnModuleInit {
  constructor(
    private readonly attachments: AttachmentsService,
    private readonly scheduler: SchedulerService,
  ) {}

  onModuleInit(): void {
    this.scheduler.register({
      name: 'orphan-uploads',
      schedule: daily('03:15'),
      run: async (now) => {
        await this.attachments.purgeOrphanUploads(now);
      },
    });
  }
}
