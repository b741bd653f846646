import { Controller, Get, Param, Post, Res, type Type } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Roles } from '../auth/auth.decorators.js';
import type { FieldErrors } from '../common/forms/form-validation.js';
import { filterField, ledgerQuery } from '../common/http/ledger-query.js';
import { DictionariesService } from '../dictionaries/dictionaries.service.js';
import { Ledger, type LedgerRequest } from '../workflow/record-kit/listing-page.js';
import { createFromForm, Posted, type PostedForm } from '../workflow/record-kit/record-forms.js';
import { ASSIGNMENT_PROFILES, type AssignmentKind } from './assignment-kinds.js';
import { AssignmentsService } from './assignments.service.js';
import { CreateAssignmentDto } from './dto/create-assignment.dto.js';

const LEDGER = ledgerQuery({ q: filterField.text('q') });
type OfficeLedger = LedgerRequest<ReturnType<typeof LEDGER.parse>>;

/**
 * The office's pages for one kind of assigned item (需求清单 at /demand-list, 堵点卡点 at
 * /blockers): the list with progress counts, the assignment form, one item with its unit tasks.
 */
export function assignmentsOfficeController(kind: AssignmentKind): Type<unknown> {
  const profile = ASSIGNMENT_PROFILES[kind];

  @Controller(profile.officePath.slice(1))
  @Roles('office', 'leader', 'admin')
  class AssignmentsOfficeController {
    constructor(
      readonly assignments: AssignmentsService,
      readonly dictionaries: DictionariesService,
    ) {}

    @Get()
    async index(@Ledger(LEDGER) { query, filter, user }: OfficeLedger, @Res() reply: FastifyReply) {
      const result = await this.assignments.listAssignments(kind, filter);
      return reply.view('assignments/office-index.hbs', {
        title: `${profile.label}交办`,
        profile,
        ...LEDGER.page(profile.officePath, query, filter, result),
        q: query.q ?? '',
        canCreate: user.roles.includes('office'),
      });
    }

    @Get('new')
    @Roles('office')
    async newForm(@Res() reply: FastifyReply) {
      return this.renderForm(reply, 200, {}, {});
    }

    @Post()
    @Roles('office')
    create(@Posted() post: PostedForm, @Res() reply: FastifyReply) {
      const form = {
        dto: CreateAssignmentDto,
        rules: (data: CreateAssignmentDto, failed: ReadonlySet<string>) =>
          this.assignments.formErrors(data, failed),
        rerender: (values: Record<string, unknown>, errors: FieldErrors) =>
          this.renderForm(reply, 422, values, errors),
        link: (id: string) => `${profile.officePath}/${id}`,
        answer: (_id: string, _submitted: boolean, data: CreateAssignmentDto) =>
          `已交办，承办单位 ${data.unitIds.length} 个`,
      };
      return createFromForm(post.request, reply, post.body, form, (data) =>
        this.assignments.create(kind, data, post.user, post.ip),
      );
    }

    @Get(':id')
    async show(@Param('id') id: string, @Res() reply: FastifyReply) {
      const detail = await this.assignments.assignmentDetail(kind, id);
      return reply.view('assignments/office-show.hbs', {
        title: detail.assignment.title,
        profile,
        ...detail,
      });
    }

    async renderForm(
      reply: FastifyReply,
      status: number,
      values: Record<string, unknown>,
      errors: FieldErrors,
    ) {
      const selected = (Array.isArray(values.unitIds) ? values.unitIds : [values.unitIds]).map(
        String,
      );
      const units = await this.assignments.assignableUnits();
      const mark = (unit: { id: number; name: string }) => ({
        ...unit,
        checked: selected.includes(String(unit.id)),
      });
      return reply.code(status).view('assignments/office-form.hbs', {
        title: `交办${profile.label}`,
        profile,
        values,
        errors,
        domains: await this.dictionaries.activeOptions('domain'),
        districts: units.districts.map(mark),
        departments: units.departments.map(mark),
      });
    }
  }

  return AssignmentsOfficeController;
}
