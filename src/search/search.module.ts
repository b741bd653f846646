import { Module } from '@nestjs/common';
import { SearchController } from './search.controller.js';
import { SearchQueries } from './search.queries.js';

/** The top bar's search across every module's records (WorkflowRegistry is global). */
@Module({ controllers: [SearchController], providers: [SearchQueries] })
export class SearchModule {}
