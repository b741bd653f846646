import { Controller } from '@nestjs/common';
import { Roles } from '../../auth/auth.decorators.js';
import { BUSINESS_ROLES } from '../../auth/roles.js';
import { ProjectUpdateRoutes } from './project-update.routes.js';
import { PROMOTION_FIELDS } from './promotions.queries.js';
import { PromotionsService } from './promotions.service.js';
import { PromotionFormDto } from './update-forms.dto.js';

/** 经验复制推广推进更新. */
@Controller('major-projects')
@Roles(...BUSINESS_ROLES)
export class PromotionsController extends ProjectUpdateRoutes({
  dto: PromotionFormDto,
  service: PromotionsService,
  slug: 'promotions',
  newForm: ':projectId/promotions/new',
  name: '经验复制推广推进更新',
  view: 'promotion',
  formValues: ({ record }) => PROMOTION_FIELDS.values(record),
}) {
  protected async formExtras() {
    return { methods: await this.service.methods() };
  }
}
