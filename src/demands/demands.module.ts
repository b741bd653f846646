import { Module, type OnModuleInit } from '@nestjs/common';
import { CHAINS } from '../workflow/workflow-chain.js';
import { WorkflowRegistry } from '../workflow/workflow-registry.js';
import { DemandsController } from './demands.controller.js';
import { DemandsQueries } from './demands.queries.js';
import { DEMAND_TYPE, DemandsService } from './demands.service.js';

/** 改革需求管理: demands filed by units (own reviewer → office); the demand list lives in assignments/. */
@Module({
  controllers: [DemandsController],
  providers: [DemandsService, DemandsQueries],
  exports: [DemandsService],
})
export class DemandsModule implements OnModuleInit {
  constructor(private readonly registry: WorkflowRegistry) {}

  onModuleInit(): void {
    this.registry.register({
      type: DEMAND_TYPE,
      label: '改革需求',
      moduleLabel: '改革需求管理',
      chain: CHAINS.ownReviewerThenOffice,
      link: (id) => `/demands/${id}`,
    });
  }
}
