import { Module } from '@nestjs/common';
import { NewsModule } from '../news/news.module.js';
import { ScoringModule } from '../scoring/scoring.module.js';
import { HealthController } from './health.controller.js';
import { HealthService } from './health.service.js';
import { HomeController } from './home.controller.js';
import { HomeService } from './home.service.js';

@Module({
  imports: [ScoringModule, NewsModule],
  controllers: [HomeController, HealthController],
  providers: [HomeService, HealthService],
})
export class HomeModule {}
