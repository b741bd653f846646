import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from './audit/audit.module.js';
import { AccessGuard } from './auth/access.guard.js';
import { AuthModule } from './auth/auth.module.js';
import { CommonModule } from './common/common.module.js';
import { HtmlExceptionFilter } from './common/http/html-exception.filter.js';
import type { AppConfig } from './config/app-config.js';
import { DatabaseModule } from './database/database.module.js';
import { dataSourceOptions } from './database/data-source-options.js';
import { HomeModule } from './home/home.module.js';
import { AdminModule } from './admin/admin.module.js';
import { DemoModule, SEEDED_MODULES } from './demo/demo.module.js';
import { CockpitModule } from './cockpit/cockpit.module.js';
import { AttachmentsModule } from './attachments/attachments.module.js';
import { DictionariesModule } from './dictionaries/dictionaries.module.js';
import { WorkflowModule } from './workflow/workflow.module.js';
import { SearchModule } from './search/search.module.js';
import { UsageModule } from './usage/usage.module.js';
import { SchedulerModule } from './scheduler/scheduler.module.js';
import { DeadlinesModule } from './deadlines/deadlines.module.js';

@Module({})
export class AppModule {
  /** extraImports: modules only the tests add (e.g. a small record type to drive the workflow). */
  static forRoot(options: {
    config: AppConfig;
    databaseUrl: string;
    extraImports?: DynamicModule['imports'];
  }): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CommonModule.forRoot(options.config),
        TypeOrmModule.forRoot({
          ...dataSourceOptions(options.databaseUrl),
          autoLoadEntities: true,
          migrationsRun: true,
        }),
        DatabaseModule,
        SchedulerModule,
        AuditModule,
        DictionariesModule,
        AuthModule,
        WorkflowModule,
        DeadlinesModule,
        AttachmentsModule,
        HomeModule,
        AdminModule,
        ...SEEDED_MODULES,
        CockpitModule,
        UsageModule,
        SearchModule,
        DemoModule,
        ...(options.extraImports ?? []),
      ],
      providers: [
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: HtmlExceptionFilter },
      ],
    };
  }
}
