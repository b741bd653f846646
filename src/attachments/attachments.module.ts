import { Global, Module } from '@nestjs/common';
import { AttachmentsController } from './attachments.controller.js';
import { AttachmentsService } from './attachments.service.js';
import { OrphanUploadsJob } from './orphan-uploads.job.js';

@Global()
@Module({
  controllers: [AttachmentsController],
  providers: [AttachmentsService, OrphanUploadsJob],
  exports: [AttachmentsService],
})
export class AttachmentsModule {}
