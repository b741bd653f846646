import { Controller } from '@nestjs/common';
import { Roles } from '../../auth/auth.decorators.js';
import { BUSINESS_ROLES } from '../../auth/roles.js';
import { BRAND_KIND } from '../project-labels.js';
import { BRAND_FIELDS } from './brand-items.queries.js';
import { BrandItemsService } from './brand-items.service.js';
import { ProjectUpdateRoutes } from './project-update.routes.js';
import { BrandItemFormDto } from './update-forms.dto.js';

/** 品牌显示度推进更新. */
@Controller('major-projects')
@Roles(...BUSINESS_ROLES)
export class BrandItemsController extends ProjectUpdateRoutes({
  dto: BrandItemFormDto,
  service: BrandItemsService,
  slug: 'brand-items',
  newForm: ':projectId/brand-items/new',
  name: '品牌显示度推进更新',
  view: 'brand-item',
  formValues: ({ record }) => BRAND_FIELDS.values(record),
}) {
  protected formExtras() {
    return { kinds: BRAND_KIND.options() };
  }
}
