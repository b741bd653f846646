import { Module } from '@nestjs/common';
import { RegistersRecordType } from '../workflow/record-kit/record-type-module.js';
import { CHAINS } from '../workflow/workflow-chain.js';
import { ShowcaseController } from './showcase.controller.js';
import { ShowcaseQueries } from './showcase.queries.js';
import { SHOWCASE_TYPE, ShowcaseService } from './showcase.service.js';

/** 成效晾晒管理: highlights reviewed own reviewer → office. */
@Module({
  controllers: [ShowcaseController],
  providers: [ShowcaseService, ShowcaseQueries],
  exports: [ShowcaseService],
})
export class ShowcaseModule extends RegistersRecordType({
  type: SHOWCASE_TYPE,
  label: '成效亮点',
  moduleLabel: '成效晾晒管理',
  chain: CHAINS.ownReviewerThenOffice,
  link: (id) => `/showcase/${id}`,
}) {}
