import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { DatabaseSeeder } from './database-seeder.js';

@Module({ imports: [AuthModule], providers: [DatabaseSeeder], exports: [DatabaseSeeder] })
export class DatabaseModule {}
