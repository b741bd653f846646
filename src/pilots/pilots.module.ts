import { Module, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CHAINS } from '../workflow/workflow-chain.js';
import type { WorkflowItemRow } from '../workflow/workflow-item.js';
import { WorkflowRegistry } from '../workflow/workflow-registry.js';
import { PilotStreamsController } from './pilot-streams.controller.js';
import { filingListing } from './pilot-streams.queries.js';
import {
  PILOT_ACHIEVEMENT_TYPE,
  PILOT_PROGRESS_TYPE,
  PilotStreamsService,
} from './pilot-streams.service.js';
import { PilotsController } from './pilots.controller.js';
import { PILOT_LISTING } from './pilots.queries.js';
import { PILOT_TYPE, PilotsService } from './pilots.service.js';

/**
 * 改革试点管理. Creation: own reviewer → competent department confirms and distributes.
 * Progress and achievements: own reviewer → competent department → office.
 */
@Module({
  controllers: [PilotsController, PilotStreamsController],
  providers: [PilotsService, PilotStreamsService],
  exports: [PilotsService, PilotStreamsService],
})
export class PilotsModule implements OnModuleInit {
  constructor(
    private readonly registry: WorkflowRegistry,
    private readonly pilots: PilotsService,
    private readonly streams: PilotStreamsService,
  ) {}

  onModuleInit(): void {
    this.registry.registerInboxSection(async (user) => {
      const streams = await this.pilots.streamsToUpdate(user);
      return {
        title: '待更新推进状态的改革试点',
        rows: streams.map((stream) => ({
          href: `/pilot-streams/${stream.stream_id}`,
          title: stream.pilot_name,
          meta: `应验收时间 ${stream.acceptance_due}`,
          flags: [
            stream.never_filed
              ? { label: '已确认分发，待首次更新', kind: 'warn' as const }
              : { label: '待本季度更新', kind: 'info' as const },
          ],
        })),
      };
    });
    this.registry.register({
      type: PILOT_TYPE,
      label: '改革试点',
      moduleLabel: '改革试点管理',
      chain: CHAINS.ownReviewerThenCompetentConfirm,
      link: (id) => `/pilots/${id}`,
      viewerUnitIds: (item) => this.pilots.viewerUnitIds(item),
      listing: PILOT_LISTING,
      onApproved: (manager, item) => this.pilots.onPilotApproved(manager, item),
    });
    const filings = [
      {
        type: PILOT_PROGRESS_TYPE,
        label: '试点推进状态',
        listing: filingListing('progress'),
        onApproved: (manager: EntityManager, item: WorkflowItemRow) =>
          this.streams.onProgressApproved(manager, item),
      },
      { type: PILOT_ACHIEVEMENT_TYPE, label: '试点成果', listing: filingListing('achievement') },
    ];
    for (const filing of filings) {
      this.registry.register({
        ...filing,
        moduleLabel: '改革试点管理',
        chain: CHAINS.ownReviewerThenCompetentThenOffice,
        link: (id) => `/pilot-filings/${id}`,
        viewerUnitIds: (item) => this.streams.viewerUnitIds(item),
      });
    }
  }
}
