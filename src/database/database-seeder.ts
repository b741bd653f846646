import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DEMO_PASSWORD, seedDemoData } from './seed/seed-demo-data.js';
import { seedReferenceData } from './seed/seed-reference-data.js';

/** An arbitrary constant: the advisory lock that keeps two instances from seeding at once. */
const SEED_LOCK = 720_301;

/**
 * On the first start of an empty database: the reference data, then (unless disabled) the demo
 * users. Called by createApp after the migrations ran, with the app's password hashing (the
 * database layer knows no auth code).
 */
@Injectable()
export class DatabaseSeeder {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async seed(hashPassword: (password: string) => Promise<string>): Promise<void> {
    const demoHash = this.config.seedDemo ? await hashPassword(DEMO_PASSWORD) : undefined;
    await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK]);
      const [{ units }] = await manager.query<{ units: number }[]>(
        'SELECT count(*)::int AS units FROM units',
      );
      if (units === 0) {
        await seedReferenceData(manager);
        console.log('Reference data loaded (units, dictionaries).');
      }
      const [{ users }] = await manager.query<{ users: number }[]>(
        'SELECT count(*)::int AS users FROM users',
      );
      if (demoHash && users === 0) {
        await seedDemoData(manager, demoHash);
        console.log('Demo users loaded.');
      }
    });
  }
}
