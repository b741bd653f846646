import { Module } from '@nestjs/common';
import { ProjectSatisfactionModule } from '../major-projects/satisfaction/project-satisfaction.module.js';
import { ProjectUpdatesModule } from '../major-projects/updates/project-updates.module.js';
import { PilotsModule } from '../pilots/pilots.module.js';
import { RiskModule } from '../risk/risk.module.js';
import { SatisfactionModule } from '../satisfaction/satisfaction.module.js';
import { ShowcaseModule } from '../showcase/showcase.module.js';
import { DistrictInputsService } from './reports/district-inputs.service.js';
import { ProjectInputsService } from './reports/project-inputs.service.js';
import { ReportBriefingService } from './reports/report-briefing.service.js';
import { ReportAutogenService } from './reports/report-autogen.service.js';
import { ReportsController } from './reports/reports.controller.js';
import { ReportsService } from './reports/reports.service.js';
import { IndicatorSystemsController } from './systems/indicator-systems.controller.js';
import { IndicatorSystemsService } from './systems/indicator-systems.service.js';
import { WhatIfTemplateService } from './what-if/what-if-template.service.js';
import { WhatIfController } from './what-if/what-if.controller.js';

/** Indices (DESIGN §4): indicator systems, band settings, generated reports, what-if scoring. */
@Module({
  imports: [
    PilotsModule,
    ShowcaseModule,
    SatisfactionModule,
    RiskModule,
    ProjectUpdatesModule,
    ProjectSatisfactionModule,
  ],
  controllers: [ReportsController, IndicatorSystemsController, WhatIfController],
  providers: [
    IndicatorSystemsService,
    ReportsService,
    ReportBriefingService,
    DistrictInputsService,
    ProjectInputsService,
    ReportAutogenService,
    WhatIfTemplateService,
  ],
  exports: [IndicatorSystemsService, ReportsService],
})
export class ScoringModule {}
