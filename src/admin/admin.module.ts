import { Module } from '@nestjs/common';

/** Units, users and dictionaries administration (系统管理). */
@Module({})
export class AdminModule {}
