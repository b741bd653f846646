import { Module } from '@nestjs/common';
import { CHAINS } from '../workflow/workflow-chain.js';
import { DemandsController } from './demands.controller.js';
import { DemandsQueries } from './demands.queries.js';
import { DEMAND_TYPE, DemandsService } from './demands.service.js';
import { RegistersRecordType } from '../workflow/record-kit/record-type-module.js';

/** 改革需求管理: demands filed by units (own reviewer → office); the demand list lives in assignments/. */
@Module({
  controllers: [DemandsController],
  providers: [DemandsService, DemandsQueries],
  exports: [DemandsService],
})
export class DemandsModule extends RegistersRecordType({
  type: DEMAND_TYPE,
  label: '改革需求',
  moduleLabel: '改革需求管理',
  chain: CHAINS.ownReviewerThenOffice,
  link: (id) => `/demands/${id}`,
}) {}
