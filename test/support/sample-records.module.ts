import {
  Body,
  Controller,
  Get,
  Injectable,
  Module,
  Param,
  Post,
  Req,
  Res,
  type OnModuleInit,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../src/auth/auth-context.js';
import { CurrentUser } from '../../src/auth/auth.decorators.js';
import { AttachmentsService } from '../../src/attachments/attachments.service.js';
import { seeOther } from '../../src/common/htmx/htmx-request.js';
import { CHAINS } from '../../src/workflow/workflow-chain.js';
import { WorkflowPanelBuilder } from '../../src/workflow/workflow-panel.js';
import { WorkflowRegistry } from '../../src/workflow/workflow-registry.js';
import { WorkflowService } from '../../src/workflow/workflow.service.js';

/** One test record type per chain shape of DESIGN §2; the record is its workflow item alone. */
export const SAMPLE_TYPES = {
  sample_office: CHAINS.ownReviewerThenOffice,
  sample_competent: CHAINS.ownReviewerThenCompetentConfirm,
  sample_three: CHAINS.ownReviewerThenCompetentThenOffice,
  sample_issue: CHAINS.ownReviewerThenOfficeIssue,
  sample_office_only: CHAINS.officeOnly,
} as const;
export type SampleType = keyof typeof SAMPLE_TYPES;

const asArray = (value: unknown): string[] =>
  (Array.isArray(value) ? value : [value]).filter(
    (item): item is string => typeof item === 'string',
  );

@Injectable()
class SampleRecordsService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: WorkflowRegistry,
    private readonly workflow: WorkflowService,
    private readonly attachments: AttachmentsService,
  ) {}

  onModuleInit(): void {
    for (const [type, chain] of Object.entries(SAMPLE_TYPES)) {
      this.registry.register({
        type,
        label: '测试记录',
        moduleLabel: '测试模块',
        chain,
        link: (id) => `/samples/${id}`,
      });
    }
  }

  async create(user: AuthUser, body: Record<string, unknown>): Promise<string> {
    const id = randomUUID();
    await this.dataSource.transaction(async (manager) => {
      await this.workflow.createDraft(
        manager,
        {
          type: String(body.type),
          id,
          title: typeof body.title === 'string' ? body.title : '测试',
          ownerUnitId: user.unitId,
          competentUnitId: body.competentUnitId ? Number(body.competentUnitId) : null,
        },
        user,
      );
      await this.attachments.linkToItem(manager, id, 'evidence', asArray(body.evidence), user);
    });
    return id;
  }

  async revise(user: AuthUser, id: string): Promise<string> {
    const newId = randomUUID();
    await this.dataSource.transaction((manager) =>
      this.workflow.openRevision(manager, id, newId, user),
    );
    return newId;
  }
}

@Controller('samples')
class SampleRecordsController {
  constructor(
    private readonly samples: SampleRecordsService,
    private readonly workflow: WorkflowService,
    private readonly panels: WorkflowPanelBuilder,
    private readonly attachments: AttachmentsService,
  ) {}

  @Get('new')
  async newPage(@Res() reply: FastifyReply) {
    return reply.view('samples/new.hbs', { title: '新建测试记录', files: [] });
  }

  @Post()
  async create(
    @CurrentUser() user: AuthUser,
    @Body() body: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const id = await this.samples.create(user, body);
    if (body.submit === '1') {
      await this.workflow.transition(id, { action: 'submit' }, user);
    }
    return seeOther(request, reply, `/samples/${id}`);
  }

  @Get(':id')
  async show(@Param('id') id: string, @CurrentUser() user: AuthUser, @Res() reply: FastifyReply) {
    const item = await this.workflow.findVisibleItem(id, user);
    return reply.view('samples/show.hbs', {
      title: item.title,
      item,
      panel: await this.panels.build(item, user),
      files: await this.attachments.listForItem(id),
    });
  }

  @Post(':id/revision')
  async revise(
    @Param('id') id: string,
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const newId = await this.samples.revise(user, id);
    return seeOther(request, reply, `/samples/${newId}`);
  }
}

@Module({ controllers: [SampleRecordsController], providers: [SampleRecordsService] })
export class SampleRecordsModule {}
