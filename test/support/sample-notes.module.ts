import { Controller, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { IsOptional, IsString } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../src/auth/auth-context.js';
import { AttachmentsService } from '../../src/attachments/attachments.service.js';
import type { FieldErrors } from '../../src/common/forms/form-validation.js';
import { RequiredText, ToBoolean, ToStringArray } from '../../src/common/forms/transforms.js';
import { insertRow, updateRow } from '../../src/database/sql.js';
import { RecordFormViews } from '../../src/workflow/record-kit/record-forms.js';
import { RecordKit, type RecordTable } from '../../src/workflow/record-kit/record-kit.js';
import { RecordFormRoutes } from '../../src/workflow/record-kit/record-routes.js';
import { CHAINS } from '../../src/workflow/workflow-chain.js';
import { WorkflowPanelBuilder } from '../../src/workflow/workflow-panel.js';
import { WorkflowRegistry } from '../../src/workflow/workflow-registry.js';
import { WorkflowService } from '../../src/workflow/workflow.service.js';

/**
 * A record type built from the record kit alone, as a new module would be: the cost of one
 * (README, Architecture) — a DTO, a table, the service's three kit calls and the controller's
 * hooks. Its table is made here because it exists only in tests.
 */
export const SAMPLE_NOTE_TYPE = 'sample_note';

const NOTES: RecordTable = {
  type: SAMPLE_NOTE_TYPE,
  table: 'sample_notes',
  columns: ['lineage_id', 'unit_id', 'title'],
};

export class SampleNoteDto {
  @RequiredText('标题', 50)
  title: string;

  @ToStringArray()
  @IsString({ each: true })
  evidence: string[] = [];

  @IsOptional()
  @ToBoolean()
  submit?: boolean;
}

@Injectable()
class SampleNotesService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: WorkflowRegistry,
    private readonly kit: RecordKit,
    private readonly workflow: WorkflowService,
    private readonly attachments: AttachmentsService,
  ) {}

  async onModuleInit(): Promise<void> {
    this.registry.register({
      type: SAMPLE_NOTE_TYPE,
      label: '测试便笺',
      moduleLabel: '测试模块',
      chain: CHAINS.ownReviewerThenOffice,
      link: (id) => `/sample-notes/${id}`,
    });
    await this.dataSource.query(
      `CREATE TABLE IF NOT EXISTS sample_notes (id uuid PRIMARY KEY, lineage_id uuid NOT NULL,
         unit_id integer NOT NULL, title text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())`,
    );
  }

  create(form: SampleNoteDto, user: AuthUser, ip: string): Promise<string> {
    const save = { title: form.title, files: { evidence: form.evidence }, submit: form.submit };
    return this.kit.fileRecord(
      { ...save, type: SAMPLE_NOTE_TYPE, ownerUnitId: user.unitId },
      user,
      ip,
      (manager, id) =>
        insertRow(manager, NOTES.table, {
          id,
          lineage_id: id,
          unit_id: user.unitId,
          title: form.title,
        }),
    );
  }

  update(id: string, form: SampleNoteDto, user: AuthUser, ip: string): Promise<void> {
    const save = { title: form.title, files: { evidence: form.evidence }, submit: form.submit };
    return this.kit.updateDraft(
      id,
      { type: SAMPLE_NOTE_TYPE, field: 'title' },
      save,
      user,
      ip,
      (m) => updateRow(m, NOTES.table, id, { title: form.title }),
    );
  }

  revise(id: string, user: AuthUser, ip: string): Promise<string> {
    return this.kit.reviseRecord(id, NOTES, user, ip);
  }

  async page(id: string, user: AuthUser) {
    const item = await this.kit.requireVisible(id, SAMPLE_NOTE_TYPE, user);
    const [note] = await this.dataSource.query<{ title: string }[]>(
      `SELECT title FROM sample_notes WHERE id = $1`,
      [id],
    );
    return {
      item,
      note,
      files: await this.attachments.listForItem(id),
      editable: this.workflow.isEditableBy(item, user),
    };
  }
}

type NotePage = Awaited<ReturnType<SampleNotesService['page']>>;

@Controller('sample-notes')
class SampleNotesController extends RecordFormRoutes<SampleNoteDto, undefined, NotePage>(
  SampleNoteDto,
  { newForm: 'new', create: '', record: ':id', revise: true, link: (id) => `/sample-notes/${id}` },
) {
  constructor(
    private readonly notes: SampleNotesService,
    protected readonly panels: WorkflowPanelBuilder,
    private readonly views: RecordFormViews,
  ) {
    super();
  }

  protected filingContext() {
    return Promise.resolve(undefined);
  }
  protected contextOf() {
    return undefined;
  }
  protected page(id: string, user: AuthUser) {
    return this.notes.page(id, user);
  }
  protected formValues(page: NotePage) {
    return { title: page.note.title };
  }
  protected showView(page: NotePage) {
    return { view: 'samples/show.hbs', title: page.note.title };
  }
  protected rules(): FieldErrors {
    return {};
  }
  protected createRecord(_: undefined, data: SampleNoteDto, user: AuthUser, ip: string) {
    return this.notes.create(data, user, ip);
  }
  protected updateRecord(id: string, data: SampleNoteDto, user: AuthUser, ip: string) {
    return this.notes.update(id, data, user, ip);
  }
  protected override reviseRecord(id: string, user: AuthUser, ip: string) {
    return this.notes.revise(id, user, ip);
  }
  protected async renderForm(
    reply: FastifyReply,
    status: number,
    _: undefined,
    id: string | undefined,
    values: Record<string, unknown>,
    errors: FieldErrors,
    user: AuthUser,
  ) {
    const page = id ? await this.notes.page(id, user) : undefined;
    return reply.code(status).view('samples/note-form.hbs', {
      title: id ? '修改测试便笺' : '新建测试便笺',
      id,
      values,
      errors,
      ...(await this.views.extras(values, 'evidence', page, user)),
    });
  }
}

@Module({ controllers: [SampleNotesController], providers: [SampleNotesService] })
export class SampleNotesModule {}
