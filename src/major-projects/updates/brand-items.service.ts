import { Injectable } from '@nestjs/common';
import type { FieldErrors } from '../../common/forms/form-validation.js';
import { BRAND_KIND, type BrandKind } from '../project-labels.js';
import {
  BRAND_TABLE,
  brandContent,
  BrandItemsQueries,
  type BrandItemRow,
} from './brand-items.queries.js';
import {
  ProjectUpdateDeps,
  ProjectUpdateService,
  type UpdateContext,
} from './project-update.service.js';
import type { BrandItemFormDto } from './update-forms.dto.js';

/**
 * 品牌显示度推进更新 (seed 001 4.5): national affirmation or deep reports by the five central media,
 * with what was solved and achieved and the details (own reviewer → office).
 */
@Injectable()
export class BrandItemsService extends ProjectUpdateService<
  BrandItemFormDto,
  BrandItemRow,
  BrandItemRow,
  { kind?: BrandKind }
> {
  protected readonly kind = { table: BRAND_TABLE, field: 'happenedOn', content: brandContent };

  constructor(
    deps: ProjectUpdateDeps,
    protected override readonly queries: BrandItemsQueries,
  ) {
    super(deps, queries);
  }

  protected title({ project }: UpdateContext, form: BrandItemFormDto): string {
    return `${project.name}·品牌显示度（${BRAND_KIND.labels[form.kind]}）`;
  }

  formErrors(form: BrandItemFormDto, failed: ReadonlySet<string> = new Set()): FieldErrors {
    return this.datedUpdateErrors(form, failed, 'happenedOn', '品牌创建日期');
  }

  /** The project's current approved brand items, newest first (project page). */
  approvedForProject(projectId: string): Promise<BrandItemRow[]> {
    return this.queries.approvedForProject(projectId);
  }
}
