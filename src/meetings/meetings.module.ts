import { Module, type OnModuleInit } from '@nestjs/common';
import { AssignmentsModule } from '../assignments/assignments.module.js';
import { OWN_REVIEWER_STEP, type ChainStep } from '../workflow/workflow-chain.js';
import { WorkflowRegistry } from '../workflow/workflow-registry.js';
import { MeetingDecisionsController } from './meeting-decisions.controller.js';
import { MeetingTopicsController } from './meeting-topics.controller.js';
import { MeetingsController } from './meetings.controller.js';
import {
  MeetingsQueries,
  OFFICE_TOPIC_TYPE,
  TOPIC_LISTING,
  TOPIC_TYPE,
} from './meetings.queries.js';
import { MeetingsService } from './meetings.service.js';

/** The office's decision on a topic: 采纳 (onto a meeting's agenda), 退回完善, 驳回. */
const OFFICE_ADOPT_STEP: ChainStep = {
  actor: 'office',
  label: '市委改革办审定议题',
  advance: { action: 'confirm', label: '采纳' },
  sendBack: ['return', 'reject'],
};

/** 深改委会议管理: meetings, 议题 (unit clerk → unit reviewer → office 采纳) and 议定事项. */
@Module({
  imports: [AssignmentsModule],
  controllers: [MeetingDecisionsController, MeetingTopicsController, MeetingsController],
  providers: [MeetingsService, MeetingsQueries],
  exports: [MeetingsService],
})
export class MeetingsModule implements OnModuleInit {
  constructor(
    private readonly registry: WorkflowRegistry,
    private readonly meetings: MeetingsService,
  ) {}

  onModuleInit(): void {
    const common = {
      moduleLabel: '深改委会议管理',
      link: (id: string) => `/meetings/topics/${id}`,
      viewerUnitIds: (item: Parameters<MeetingsService['topicViewerUnitIds']>[0]) =>
        this.meetings.topicViewerUnitIds(item),
      listing: TOPIC_LISTING,
      onApproved: (
        manager: Parameters<MeetingsService['onTopicApproved']>[0],
        item: Parameters<MeetingsService['onTopicApproved']>[1],
      ) => this.meetings.onTopicApproved(manager, item),
    };
    this.registry.register({
      ...common,
      type: TOPIC_TYPE,
      label: '深改委会议议题',
      chain: { steps: [OWN_REVIEWER_STEP, OFFICE_ADOPT_STEP] },
    });
    this.registry.register({
      ...common,
      type: OFFICE_TOPIC_TYPE,
      label: '深改委会议议题（市委改革办）',
      chain: { steps: [OFFICE_ADOPT_STEP], filerDecides: true },
    });
  }
}
