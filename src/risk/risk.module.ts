import { Module, type OnModuleInit } from '@nestjs/common';
import { CHAINS } from '../workflow/workflow-chain.js';
import { WorkflowRegistry } from '../workflow/workflow-registry.js';
import { RiskController } from './risk.controller.js';
import { RISK_LISTING, RiskQueries } from './risk.queries.js';
import { RISK_TYPE, RiskService } from './risk.service.js';

/** 改革风险管理: own reviewer → office; the involved district reads approved events. */
@Module({
  controllers: [RiskController],
  providers: [RiskService, RiskQueries],
  exports: [RiskService],
})
export class RiskModule implements OnModuleInit {
  constructor(
    private readonly registry: WorkflowRegistry,
    private readonly risk: RiskService,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      type: RISK_TYPE,
      label: '改革风险事件',
      moduleLabel: '改革风险管理',
      chain: CHAINS.ownReviewerThenOffice,
      link: (id) => `/risk/${id}`,
      viewerUnitIds: (item) => this.risk.viewerUnitIds(item),
      listing: RISK_LISTING,
      onApproved: (manager, item) => this.risk.onApproved(manager, item),
    });
  }
}
