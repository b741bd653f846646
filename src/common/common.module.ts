import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { PreparedStatements } from '../database/prepared-statements.js';
import { LedgerExports } from '../exports/ledger-exports.js';
import { FormSubmissions } from './forms/form-submissions.js';
import { UnitOptions } from '../units/unit-options.js';
import { Clock } from './time/clock.js';

/** App-wide providers: the configuration, the clock, prepared hot reads, the unit list, ledger downloads, one-time form tokens. */
@Global()
@Module({})
export class CommonModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CommonModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        Clock,
        PreparedStatements,
        UnitOptions,
        LedgerExports,
        FormSubmissions,
      ],
      exports: [APP_CONFIG, Clock, PreparedStatements, UnitOptions, LedgerExports, FormSubmissions],
    };
  }
}
