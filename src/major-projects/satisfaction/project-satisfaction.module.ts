import { Module } from '@nestjs/common';
import { ProjectSatisfactionController } from './project-satisfaction.controller.js';
import { ProjectSatisfactionService } from './project-satisfaction.service.js';

/**
 * 重大改革项目满意度: the yearly score of every major project, entered by the reform office with
 * the overall conclusion and the survey report; display only, not part of the project index.
 */
@Module({
  controllers: [ProjectSatisfactionController],
  providers: [ProjectSatisfactionService],
  exports: [ProjectSatisfactionService],
})
export class ProjectSatisfactionModule {}
