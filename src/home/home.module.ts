import { Module } from '@nestjs/common';
import { NewsModule } from '../news/news.module.js';
import { ScoringModule } from '../scoring/scoring.module.js';
import { HomeController } from './home.controller.js';
import { HomeService } from './home.service.js';

@Module({
  imports: [ScoringModule, NewsModule],
  controllers: [HomeController],
  providers: [HomeService],
})
export class HomeModule {}
