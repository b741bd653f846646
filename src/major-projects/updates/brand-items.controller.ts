import { Controller } from '@nestjs/common';
import { Roles } from '../../auth/auth.decorators.js';
import { BUSINESS_ROLES } from '../../auth/roles.js';
import { optionsOf } from '../../common/http/ledger-query.js';
import { BRAND_KIND_LABELS, BRAND_KINDS } from '../project-labels.js';
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
  formValues: ({ record: brand }) => ({
    happenedOn: brand.happened_on,
    kind: brand.kind,
    situation: brand.situation,
    measuresResults: brand.measures_results,
    details: brand.details,
    evidenceClassified: brand.evidence_classified,
  }),
}) {
  protected formExtras() {
    return { kinds: optionsOf(BRAND_KINDS, BRAND_KIND_LABELS) };
  }
}
