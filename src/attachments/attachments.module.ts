import { Global, Module } from '@nestjs/common';
import { AttachmentsController } from './attachments.controller.js';
import { AttachmentsService } from './attachments.service.js';
import { FormUploads } from './form-uploads.js';
import { OrphanUploadsJob } from './orphan-uploads.job.js';

@Global()
@Module({
  controllers: [AttachmentsController],
  providers: [AttachmentsService, FormUploads, OrphanUploadsJob],
  exports: [AttachmentsService, FormUploads],
})
export class AttachmentsModule {}
