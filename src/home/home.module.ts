import { Module } from '@nestjs/common';
import { ScoringModule } from '../scoring/scoring.module.js';
import { HomeController } from './home.controller.js';
import { HomeService } from './home.service.js';

@Module({ imports: [ScoringModule], controllers: [HomeController], providers: [HomeService] })
export class HomeModule {}
