import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth-context.js';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { isPartial } from '../common/htmx/htmx-request.js';
import { DistrictCockpitService } from './district-cockpit.service.js';
import { ProjectCockpitService } from './project-cockpit.service.js';
import { RecordIdPipe } from '../common/http/params.js';

const reportParam = (value: unknown) =>
  typeof value === 'string' && /^[0-9a-f-]{36}$/i.test(value) ? value : undefined;

/** 驾驶舱: read-only pages for leaders and the office, built from generated reports and approved data. */
@Controller('cockpit')
@Roles('office', 'leader')
export class CockpitController {
  constructor(
    private readonly districts: DistrictCockpitService,
    private readonly projects: ProjectCockpitService,
  ) {}

  @Get()
  async district(
    @Query('report') report: string,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    return reply.view('cockpit/district.hbs', await this.districts.page(user, reportParam(report)));
  }

  /** 大屏: the latest report and live figures for the office's wall screen, refreshing itself. */
  @Get('wall')
  async wall(@CurrentUser() user: AuthUser, @Res() reply: FastifyReply) {
    return reply.view('cockpit/wall.hbs', await this.districts.wall(user));
  }

  /** The drill-down: a fragment for htmx, a whole page for a plain link. */
  @Get('districts/:unitId')
  async districtDetail(
    @Param('unitId', RecordIdPipe) unitId: number,
    @Query('report') report: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const detail = await this.districts.district(unitId, reportParam(report));
    return reply.view(
      isPartial(request) ? 'cockpit/_district-detail.hbs' : 'cockpit/district-detail.hbs',
      detail,
    );
  }

  @Get('projects')
  async projectsPage(@Query('report') report: string, @Res() reply: FastifyReply) {
    return reply.view('cockpit/projects.hbs', await this.projects.page(reportParam(report)));
  }
}
