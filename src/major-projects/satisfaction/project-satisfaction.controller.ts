import { Controller, Get, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AttachmentsService } from '../../attachments/attachments.service.js';
import type { AuthUser } from '../../auth/auth-context.js';
import { CurrentUser, Roles } from '../../auth/auth.decorators.js';
import {
  refuseRejectedUploads,
  unlessRefused,
  type FieldErrors,
} from '../../common/forms/form-validation.js';
import { uploadedFileIds } from '../../common/forms/uploaded-files.js';
import { setFlash } from '../../common/http/flash.js';
import { seeOther } from '../../common/htmx/htmx-request.js';
import { Posted, type PostedForm } from '../../workflow/record-kit/record-forms.js';
import { FormWithFiles } from '../../attachments/form-uploads.js';
import { ProjectSatisfactionService } from './project-satisfaction.service.js';
import { CONCLUSION_MAX, REMARK_MAX, type SatisfactionInput } from './satisfaction-form.js';

const first = (value: unknown): string => uploadedFileIds(value)[0] ?? '';

/** The posted form: `score_<projectId>` / `remark_<projectId>` per project, conclusion, report. */
function parseInput(body: Record<string, unknown>): SatisfactionInput {
  const scores: Record<string, string> = {};
  const remarks: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    const match = /^(score|remark)_([0-9a-f-]{36})$/.exec(key);
    if (match) {
      (match[1] === 'score' ? scores : remarks)[match[2]] = first(value);
    }
  }
  return {
    scores,
    remarks,
    conclusion: first(body.conclusion),
    report: uploadedFileIds(body.report).filter((id) => id !== ''),
  };
}

@Controller('major-projects/satisfaction')
export class ProjectSatisfactionController {
  constructor(
    private readonly satisfaction: ProjectSatisfactionService,
    private readonly attachments: AttachmentsService,
  ) {}

  /** The year's table: every scored project with its rank, the conclusion and the report. */
  @Get()
  @Roles('office', 'leader')
  async index(
    @Query('year') yearParam: unknown,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const year =
      this.satisfaction.parseYear(yearParam) ??
      (await this.satisfaction.latestSurveyYear()) ??
      this.satisfaction.currentYear();
    const survey = await this.satisfaction.survey(year);
    const rows = survey ? await this.satisfaction.table(year) : [];
    return reply.view('major-projects/satisfaction/index.hbs', {
      title: `${year} 年重大改革项目满意度`,
      year,
      years: await this.satisfaction.years(),
      survey,
      rows,
      reportFiles: await this.satisfaction.reportFiles(survey, user),
      canEdit: user.roles.includes('office'),
    });
  }

  @Get('edit')
  @Roles('office')
  async editForm(
    @Query('year') yearParam: unknown,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const year = this.satisfaction.editYear(yearParam);
    const survey = await this.satisfaction.survey(year);
    const projects = await this.satisfaction.formProjects(year);
    const values: SatisfactionInput = {
      scores: Object.fromEntries(projects.map((project) => [project.id, project.score ?? ''])),
      remarks: Object.fromEntries(projects.map((project) => [project.id, project.remark ?? ''])),
      conclusion: survey?.conclusion ?? '',
      report: survey?.report_attachment_id ? [survey.report_attachment_id] : [],
    };
    return this.renderForm(reply, 200, year, values, {}, survey !== undefined, user);
  }

  @Post('edit')
  @FormWithFiles()
  @Roles('office')
  async save(
    @Query('year') yearParam: unknown,
    @Posted() post: PostedForm,
    @Res() reply: FastifyReply,
  ) {
    const year = this.satisfaction.editYear(yearParam);
    const input = parseInput((post.body ?? {}) as Record<string, unknown>);
    const save = async () => {
      // A file refused while the form was posted without JavaScript refuses the save.
      refuseRejectedUploads(post.body);
      await this.satisfaction.save(year, input, post.user, post.ip);
      setFlash(reply, 'success', `${year} 年重大改革项目满意度已保存`);
      return seeOther(post.request, reply, `/major-projects/satisfaction?year=${year}`);
    };
    return unlessRefused(save, async (errors) => {
      const saved = (await this.satisfaction.survey(year)) !== undefined;
      return this.renderForm(reply, 422, year, input, errors, saved, post.user);
    });
  }

  private async renderForm(
    reply: FastifyReply,
    status: number,
    year: number,
    values: SatisfactionInput,
    errors: FieldErrors,
    saved: boolean,
    user: AuthUser,
  ) {
    const projects = (await this.satisfaction.formProjects(year)).map((project) => ({
      ...project,
      typedScore: values.scores[project.id] ?? '',
      typedRemark: values.remarks[project.id] ?? '',
    }));
    const projectErrors = Object.entries(errors)
      .filter(([field]) => /^(score|remark)_/.test(field))
      .flatMap(([, messages]) => messages);
    return reply.code(status).view('major-projects/satisfaction/form.hbs', {
      title: `录入 ${year} 年重大改革项目满意度`,
      year,
      years: await this.satisfaction.years(),
      saved,
      projects,
      values,
      errors,
      projectErrors,
      remarkMax: REMARK_MAX,
      conclusionMax: CONCLUSION_MAX,
      files: await this.attachments.describe(values.report, user),
    });
  }
}
