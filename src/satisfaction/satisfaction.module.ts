import { Module } from '@nestjs/common';
import { RegistersRecordType } from '../workflow/record-kit/record-type-module.js';
import { CHAINS } from '../workflow/workflow-chain.js';
import { SatisfactionController } from './satisfaction.controller.js';
import { SatisfactionQueries } from './satisfaction.queries.js';
import { SATISFACTION_TYPE, SatisfactionService } from './satisfaction.service.js';

/** 改革满意度管理: the survey centre's quarterly return goes straight to the office. */
@Module({
  controllers: [SatisfactionController],
  providers: [SatisfactionService, SatisfactionQueries],
  exports: [SatisfactionService],
})
export class SatisfactionModule extends RegistersRecordType({
  type: SATISFACTION_TYPE,
  label: '区县改革满意度',
  moduleLabel: '改革满意度管理',
  chain: CHAINS.officeOnly,
  link: (id) => `/satisfaction/${id}`,
}) {}
