import { Injectable } from '@nestjs/common';
import type { FieldErrors } from '../../common/forms/form-validation.js';
import { DictionariesService } from '../../dictionaries/dictionaries.service.js';
import {
  ProjectUpdateDeps,
  ProjectUpdateService,
  type UpdateContext,
} from './project-update.service.js';
import {
  PROMOTION_TABLE,
  promotionContent,
  PromotionsQueries,
  type PromotionRow,
} from './promotions.queries.js';
import type { PromotionFormDto } from './update-forms.dto.js';

/**
 * 经验复制推广推进更新 (seed 001 4.4): how the project's reform experience was promoted (media,
 * press conference, site visit, …), with the date and evidence (own reviewer → office).
 */
@Injectable()
export class PromotionsService extends ProjectUpdateService<
  PromotionFormDto,
  PromotionRow,
  PromotionRow,
  { methodId?: number }
> {
  protected readonly kind = {
    table: PROMOTION_TABLE,
    field: 'methodId',
    content: promotionContent,
  };

  constructor(
    deps: ProjectUpdateDeps,
    protected override readonly queries: PromotionsQueries,
    private readonly dictionaries: DictionariesService,
  ) {
    super(deps, queries);
  }

  methods() {
    return this.dictionaries.activeOptions('promotion_method');
  }

  protected title({ project }: UpdateContext, form: PromotionFormDto): string {
    return `${project.name}·经验复制推广（${form.promotedOn}）`;
  }

  async formErrors(
    form: PromotionFormDto,
    failed: ReadonlySet<string> = new Set(),
  ): Promise<FieldErrors> {
    const errors: FieldErrors = {};
    if (
      !failed.has('methodId') &&
      !(await this.dictionaries.isActive('promotion_method', form.methodId))
    ) {
      errors.methodId = ['请选择推广方式'];
    }
    return { ...errors, ...this.datedUpdateErrors(form, failed, 'promotedOn', '推广日期') };
  }

  /** The project's current approved promotions, newest first (project page). */
  approvedForProject(projectId: string) {
    return this.queries.approvedForProject(projectId);
  }
}
