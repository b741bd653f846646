import { Module } from '@nestjs/common';
import { DatabaseSeeder } from './database-seeder.js';

@Module({ providers: [DatabaseSeeder], exports: [DatabaseSeeder] })
export class DatabaseModule {}
