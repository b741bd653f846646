import { Body, Controller, Get, Param, Post, Query, Req, Res, type Type } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth-context.js';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { type FieldErrors, handleForm } from '../common/forms/form-validation.js';
import { setFlash } from '../common/http/flash.js';
import { buildPagination, parsePage } from '../common/http/pagination.js';
import { seeOther } from '../common/htmx/htmx-request.js';
import { DictionariesService } from '../dictionaries/dictionaries.service.js';
import { ASSIGNMENT_PROFILES, type AssignmentKind } from './assignment-kinds.js';
import { AssignmentsService } from './assignments.service.js';
import { CreateAssignmentDto } from './dto/create-assignment.dto.js';
import { searchText } from '../common/http/search-text.js';

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
    async index(
      @Query() query: Record<string, string>,
      @CurrentUser() user: AuthUser,
      @Res() reply: FastifyReply,
    ) {
      const page = parsePage(query.page);
      const { rows, total } = await this.assignments.listAssignments(kind, {
        q: searchText(query.q),
        page,
      });
      return reply.view('assignments/office-index.hbs', {
        title: `${profile.label}交办`,
        profile,
        rows,
        total,
        q: query.q ?? '',
        canCreate: user.roles.includes('office'),
        pagination: buildPagination(profile.officePath, query, page, total),
      });
    }

    @Get('new')
    @Roles('office')
    async newForm(@Res() reply: FastifyReply) {
      return this.renderForm(reply, 200, {}, {});
    }

    @Post()
    @Roles('office')
    async create(
      @Body() body: unknown,
      @CurrentUser() user: AuthUser,
      @Req() request: FastifyRequest,
      @Res() reply: FastifyReply,
    ) {
      return handleForm(
        CreateAssignmentDto,
        body,
        (values, errors) => this.renderForm(reply, 422, values, errors),
        async (data) => {
          const id = await this.assignments.create(kind, data, user, request.ip);
          setFlash(reply, 'success', `已交办，承办单位 ${data.unitIds.length} 个`);
          return seeOther(request, reply, `${profile.officePath}/${id}`);
        },
        (form, failed) => this.assignments.formErrors(form, failed),
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
